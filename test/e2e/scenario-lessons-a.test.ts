/** Every shipped lesson runs headless and passes: the first half (see test/support/lessons.ts). */
import { lessonTests } from '../support/lessons.ts'

lessonTests('a')
