'use strict';
// Builds the package in a private copy of the repo and packs it, so the shared dist/ and the
// git index of the working tree are never touched; describes what n8n should then load.
const fs = require('node:fs');
const path = require('node:path');
const { runOk } = require('./proc');

const COPY_EXCLUDES = ['./node_modules', './.git', './.e2e', './*.tgz'];

/**
 * @param repo the project folder (read only)
 * @param workDir an empty temp folder: the copy goes to <workDir>/pkg, the tarball beside it
 * @param useDist pack the repo's existing dist/ instead of building (it must be complete)
 */
async function buildAndPack({ repo, workDir, useDist = false }) {
	const pkgDir = path.join(workDir, 'pkg');
	fs.mkdirSync(pkgDir, { recursive: true });
	const excludes = [...COPY_EXCLUDES, ...(useDist ? [] : ['./dist'])].map((e) => `--exclude='${e}'`).join(' ');
	await runOk('sh', ['-c', `tar -C '${repo}' -c ${excludes} . | tar -C '${pkgDir}' -x`]);
	// The build needs the dev tools; a symlink spares a second install of 500+ packages.
	fs.symlinkSync(path.join(repo, 'node_modules'), path.join(pkgDir, 'node_modules'));

	const bin = (name) => path.join(pkgDir, 'node_modules', '.bin', name);
	if (!useDist) {
		// Only what ships plus the sandbox: other test code (harness, jest suites) is not the e2e's
		// business, and a half-edited test file elsewhere must not block it.
		fs.writeFileSync(
			path.join(pkgDir, 'tsconfig.e2e.json'),
			JSON.stringify({ extends: './tsconfig.json', include: ['credentials/**/*.ts', 'nodes/**/*.ts', 'test/tools/sandbox/**/*.ts'] }),
		);
		await runOk(bin('tsc'), ['-p', 'tsconfig.e2e.json'], { cwd: pkgDir, timeoutMs: 300_000 });
		await runOk(bin('gulp'), ['build:assets'], { cwd: pkgDir, timeoutMs: 120_000 });
	}
	return await packBuilt(pkgDir, workDir);
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
	const sandboxModule = path.join(pkgDir, 'dist', 'test', 'tools', 'sandbox', 'index.js');
	return {
		packageName: pkg.name,
		version: pkg.version,
		nodes,
		credentials,
		sandboxModule: fs.existsSync(sandboxModule) ? sandboxModule : null,
	};
}

module.exports = { buildAndPack, packBuilt, describePackage };
