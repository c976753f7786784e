'use strict';
// The package as the benchmark measures it: built in a private copy of the repo (the shared dist/
// and the working tree are not touched), with the engine harness and the sandbox compiled beside
// it, and packed for n8n. Or, with useDist, the repo's existing dist/ and test-build/ packed as they are.
const { buildAndPack, builtTestModule } = require('../../../e2e/lib/pack');

/** Resolves buildAndPack's result plus `harnessModule`, the compiled engine harness. */
async function buildForBench({ repo, workDir, useDist = false }) {
	const pkg = await buildAndPack({ repo, workDir, useDist, testFolders: ['tools/sandbox', 'harness'] });
	const harnessModule = builtTestModule(pkg.pkgDir, 'harness');
	if (!harnessModule || !pkg.sandboxModule) {
		throw new Error('the build has no engine harness or sandbox: run `npm run build && npm run build:test` first, or leave out --use-dist');
	}
	return { ...pkg, harnessModule };
}

module.exports = { buildForBench };
