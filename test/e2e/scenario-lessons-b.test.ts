/** Every shipped lesson runs headless and passes: the second half, and any new lesson (see test/support/lessons.ts). */
import { lessonTests } from '../support/lessons.ts'

lessonTests('b')
