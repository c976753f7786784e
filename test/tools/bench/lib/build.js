'use strict';
// The package as the benchmark measures it: built in a private copy of the repo (the shared dist/
// and the working tree are not touched), with the engine harness and the sandbox compiled beside
// it, and packed for n8n. Or, with useDist, the repo's existing dist/ packed as it is.
const fs = require('node:fs');
const path = require('node:path');
const { buildAndPack, packBuilt } = require('../../../e2e/lib/pack');
const { runOk } = require('../../../e2e/lib/proc');

const COPY_EXCLUDES = ['./node_modules', './.git', './.e2e', './*.tgz', './dist'];

async function buildForBench({ repo, workDir, useDist = false }) {
	if (useDist) {
		const pkg = await buildAndPack({ repo, workDir, useDist: true });
		if (!fs.existsSync(path.join(pkg.pkgDir, 'dist', 'test', 'harness', 'index.js'))) {
			throw new Error('dist/ has no test/harness: run `npm run build` first, or leave out --use-dist');
		}
		return pkg;
	}
	const pkgDir = path.join(workDir, 'pkg');
	fs.mkdirSync(pkgDir, { recursive: true });
	const excludes = COPY_EXCLUDES.map((e) => `--exclude='${e}'`).join(' ');
	await runOk('sh', ['-c', `tar -C '${repo}' -c ${excludes} . | tar -C '${pkgDir}' -x`]);
	fs.symlinkSync(path.join(repo, 'node_modules'), path.join(pkgDir, 'node_modules'));
	const bin = (name) => path.join(pkgDir, 'node_modules', '.bin', name);
	// What ships, the sandbox and the engine harness; no jest suites (a half-edited test elsewhere
	// must not stop a benchmark).
	fs.writeFileSync(
		path.join(pkgDir, 'tsconfig.bench.json'),
		JSON.stringify({
			extends: './tsconfig.json',
			include: ['credentials/**/*.ts', 'nodes/**/*.ts', 'test/tools/sandbox/**/*.ts', 'test/harness/**/*.ts'],
			exclude: ['test/**/*.test.ts'],
		}),
	);
	await runOk(bin('tsc'), ['-p', 'tsconfig.bench.json'], { cwd: pkgDir, timeoutMs: 300_000 });
	await runOk(bin('gulp'), ['build:assets'], { cwd: pkgDir, timeoutMs: 120_000 });
	return await packBuilt(pkgDir, workDir);
}

module.exports = { buildForBench };
