/** Tests are TypeScript run by ts-jest; type-checking happens in `npm run build` (tsc). */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
	// Only a backstop for a hang: every wait in the tests ends on an event. The slowest tests (1,000
	// items, the CLI as a process, real deadlines of 15 s) took over 20 s on a 2-core machine with
	// four CPU hogs; a backstop of 60 s was within reach of a busier machine.
	testTimeout: 180000,
};
