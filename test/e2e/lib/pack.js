'use strict';
// Builds the package in a private copy of the repo and packs it, so the shared dist/ and the
// git index of the working tree are never touched; describes what n8n should then load.
const fs = require('node:fs');
const path = require('node:path');
const { runOk } = require('./proc');

const COPY_EXCLUDES = ['./node_modules', './.git', './.e2e', './*.tgz'];
/** Where tsconfig.test-build.json compiles test/ to: test/tools/sandbox/x.ts -> test-build/tools/sandbox/x.js. */
const TEST_BUILD = 'test-build';
const TEST_TSCONFIG = 'tsconfig.test-build.json';

/**
 * @param repo the project folder (read only)
 * @param workDir an empty temp folder: the copy goes to <workDir>/pkg, the tarball beside it
 * @param useDist pack the repo's existing dist/ (and its test-build/) instead of building; both
 *   must be complete (`npm run build` and `npm run build:test`)
 * @param testFolders the folders of test/ to compile beside the package (the sandbox by default)
 */
async function buildAndPack({ repo, workDir, useDist = false, testFolders = ['tools/sandbox'] }) {
	const pkgDir = path.join(workDir, 'pkg');
	fs.mkdirSync(pkgDir, { recursive: true });
	const excludes = [...COPY_EXCLUDES, ...(useDist ? [] : ['./dist', `./${TEST_BUILD}`])].map((e) => `--exclude='${e}'`).join(' ');
	await runOk('sh', ['-c', `tar -C '${repo}' -c ${excludes} . | tar -C '${pkgDir}' -x`]);
	// The build needs the dev tools; a symlink spares a second install of 500+ packages.
	fs.symlinkSync(path.join(repo, 'node_modules'), path.join(pkgDir, 'node_modules'));
	if (!useDist) await buildCopy(pkgDir, testFolders);
	return await packBuilt(pkgDir, workDir);
}

/**
 * Builds the copy: the package into dist/ (tsc, then gulp's icons and codex files) and, of test/,
 * only `testFolders` into test-build/: other test code (jest suites) is not the run's business,
 * and a half-edited test file elsewhere must not block it.
 */
async function buildCopy(pkgDir, testFolders) {
	const run = (name, args) => runOk(path.join(pkgDir, 'node_modules', '.bin', name), args, { cwd: pkgDir, timeoutMs: 300_000 });
	const tsconfig = (include, base) => {
		fs.writeFileSync(path.join(pkgDir, 'tsconfig.private.json'), JSON.stringify({ extends: `./${base}`, include }));
		return run('tsc', ['-p', 'tsconfig.private.json']);
	};
	if (fs.existsSync(path.join(pkgDir, TEST_TSCONFIG))) {
		await run('tsc', ['-p', 'tsconfig.json']);
		await tsconfig(testFolders.map((folder) => `test/${folder}/**/*.ts`), TEST_TSCONFIG);
	} else {
		// A checkout from before test-build/ (--repo DIR of an older commit): tsconfig.json put the
		// package and test/sandbox/, test/harness/ together into dist/.
		await tsconfig(['credentials/**/*.ts', 'nodes/**/*.ts', ...testFolders.map((folder) => `test/${path.basename(folder)}/**/*.ts`)], 'tsconfig.json');
	}
	await run('gulp', ['build:assets']);
}

/**
 * `npm pack` of an already built package folder into `workDir`; resolves
 * `{pkgDir, tarball, files, ...describePackage(pkgDir)}`.
 */
async function packBuilt(pkgDir, workDir) {
	// --ignore-scripts: already built; a prepack hook must not rebuild or reach the network.
	const packed = await runOk('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', workDir], {
		cwd: pkgDir,
		timeoutMs: 120_000,
	});
	const info = JSON.parse(packed.stdout)[0];
	return { pkgDir, tarball: path.join(workDir, info.filename), files: info.files.map((f) => f.path), ...describePackage(pkgDir) };
}

/**
 * What n8n should load from the package: node and credential type names, read from the built
 * classes the way n8n's loader does (each file exports a class named like the file).
 */
function describePackage(pkgDir) {
	const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
	const load = (file, suffix) => {
		const className = path.basename(file).replace(suffix, '');
		const Class = require(path.join(pkgDir, file))[className];
		if (typeof Class !== 'function') throw new Error(`${file} does not export a class named ${className}`);
		return new Class();
	};
	const nodes = (pkg.n8n?.nodes ?? []).map((file) => {
		const { description } = load(file, /\.node\.js$/);
		return {
			file,
			name: description.name,
			type: `${pkg.name}.${description.name}`,
			usableAsTool: description.usableAsTool === true,
			trigger: (description.group ?? []).includes('trigger'),
			credentials: (description.credentials ?? []).map((c) => c.name),
		};
	});
	const credentials = (pkg.n8n?.credentials ?? []).map((file) => {
		const cred = load(file, /\.credentials\.js$/);
		return { file, name: cred.name, hasAuthenticate: cred.authenticate !== undefined };
	});
	return { packageName: pkg.name, version: pkg.version, nodes, credentials, sandboxModule: builtTestModule(pkgDir, 'tools/sandbox') };
}

/**
 * The compiled index.js of a test/ folder (e.g. 'tools/sandbox', 'harness') in a built package
 * folder, or null when it was not built; an older checkout's is found in dist/test/<name>/.
 */
function builtTestModule(pkgDir, folder) {
	const candidates = [path.join(pkgDir, TEST_BUILD, folder, 'index.js'), path.join(pkgDir, 'dist', 'test', path.basename(folder), 'index.js')];
	return candidates.find((file) => fs.existsSync(file)) ?? null;
}

module.exports = { buildAndPack, packBuilt, describePackage, builtTestModule, TEST_BUILD };
