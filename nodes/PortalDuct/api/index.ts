/**
 * The one module that knows PortalDuct's names: what we send (paths.ts) and how we read what it
 * answers (answers.ts), its invoice pages (pages.ts) and its deliveries (deliveries.ts). [doc] and
 * [assumed] are marked at each name; docs/openapi.yaml marks them the same way.
 */
export * from './paths';
export * from './answers';
export * from './pages';
export * from './deliveries';
export * from './registrations';
