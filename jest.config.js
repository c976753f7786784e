/**
 * Tests are TypeScript run by ts-jest, transpiled file by file (isolatedModules in
 * tsconfig.jest.json) without type-checking; type-checking happens in `npm test`'s pretest
 * (`npm run build` and `npm run typecheck`, both tsc).
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json', diagnostics: false }] },
	// Only a backstop for a hang: every wait in the tests ends on an event. The slowest tests (1,000
	// items, the CLI as a process, real deadlines of 15 s) took over 20 s on a 2-core machine with
	// four CPU hogs; a backstop of 60 s was within reach of a busier machine.
	testTimeout: 180000,
};
