/** The Bookinfo applications: express app factories, and a way to put one on a socket. */
export { createProductPage, type ProductPageOptions } from './productpage/app.ts'
export { createDetails, type DetailsOptions } from './details/app.ts'
export { createReviews, type ReviewsOptions, type ReviewsVersion } from './reviews/app.ts'
export { createRatings, type RatingsOptions, type RatingsVariant } from './ratings/app.ts'
export { createHttpbin, type HttpbinOptions } from './httpbin/app.ts'
export { createExtAuthz } from './extauthz/app.ts'
export { startApp, type RunningApp, type StartOptions } from './serve.ts'
