#!/usr/bin/env node
'use strict';
// `npm run test:pack`: what `npm publish` would upload, checked file by file. Builds the package
// in a private copy of the repo (the shared dist/ is not touched), runs `npm pack` into a temp
// folder, unpacks the tarball and checks that it holds only the built nodes and credentials plus
// package.json, README, LICENSE and CHANGELOG; that every path of package.json's `n8n` block is in
// it and loads; that each node's and credential's icons and each node's codex file are there; and
// that every node operation (or trigger item) has its output schema where n8n looks; and that the
// shipped code needs nothing but Node's built-ins and the peer n8n-workflow.
//
//   node test/release/check-tarball.js [--use-dist] [--keep]
//
// --use-dist  pack the repo's existing dist/ (after `npm run build`) instead of a private build
// --keep      keep the temp folder (tarball and its unpacked copy)
// Prints the tarball's size and file count, "N passed, N failed" last; exit 1 on any failure.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { builtinModules } = require('node:module');
const { Checks } = require('../e2e/lib/checks');
const { buildAndPack } = require('../e2e/lib/pack');
const { runOk } = require('../e2e/lib/proc');

const REPO = path.join(__dirname, '..', '..');

/** Files a published community package may hold besides the built nodes and credentials. */
const DOCUMENTS = ['README.md', 'LICENSE', 'CHANGELOG.md'];
/** Where the built code lives; nothing else ships (test-build/ is the compiled test code and tools). */
const CODE_DIRS = ['dist/nodes/', 'dist/credentials/'];
/** Whatever the folder, these never belong in the tarball. */
const FORBIDDEN = [
	[/\.ts$/, 'TypeScript source'],
	[/\.map$/, 'source map'],
	[/\.tsbuildinfo$/, 'TypeScript build info'],
	[/(^|\/)(test|tests|test-build|__tests__|__mocks__|sandbox|harness|demo|bench|e2e)(\/|$)/, 'test or sandbox code'],
	[/\.(test|spec)\.[cm]?js$/, 'test file'],
	[/(^|\/)\.[^/]+/, 'dot file'],
	[/(^|\/)node_modules\//, 'node_modules'],
	[/\.(tgz|tar|gz|zip|log|env)$/, 'archive, log or env file'],
];

/** The checks, each a group of problems inspectPackage reports. */
const AREAS = {
	contents: 'holds only the built nodes and credentials, package.json, README, LICENSE, CHANGELOG',
	manifest: 'package.json: name, keyword, no runtime dependencies, n8n paths present and loading',
	assets: 'icons of every node and credential, codex .node.json of every node',
	schemas: 'an output schema of every node operation (and trigger item) where n8n looks, and no other',
	requires: 'shipped code requires only Node built-ins, the peer n8n-workflow and its own files',
	changelog: 'CHANGELOG.md has a section for the version in package.json',
};

/** `1` -> `1.0.0`: the version folder n8n reads a node's schemas from is `v` and this. */
function padVersion(version) {
	return String(version).split('.').concat(['0', '0']).slice(0, 3).join('.');
}

/** Every [resource, operation] of a node description: its Resource options and each Operation picker's. */
function operationsOf(description) {
	const properties = description.properties ?? [];
	const resource = properties.find((p) => p.name === 'resource');
	const pickers = properties.filter((p) => p.name === 'operation');
	return (resource?.options ?? []).flatMap(({ value }) =>
		pickers
			.filter((p) => p.displayOptions?.show?.resource?.includes(value))
			.flatMap((p) => (p.options ?? []).map((o) => [value, o.value])),
	);
}

/**
 * Everything wrong with an unpacked package: [{ area (a key of AREAS), message }], empty when
 * nothing is.
 * @param dir the unpacked tarball (its `package/` folder); a node_modules in or above it must
 *   resolve the peer n8n-workflow
 * @param files the tarball's file paths relative to dir
 */
function inspectPackage(dir, files) {
	const problems = [];
	const add = (area, message) => problems.push({ area, message });
	const has = new Set(files);
	let pkg;
	try {
		pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
	} catch (error) {
		return [{ area: 'manifest', message: `package.json is missing or not JSON: ${error.message}` }];
	}
	const main = pkg.main ? path.posix.normalize(pkg.main) : undefined;

	// Only what a user of the package needs.
	for (const file of files) {
		const forbidden = FORBIDDEN.find(([pattern]) => pattern.test(file));
		if (forbidden) add('contents', `${file}: ${forbidden[1]} in the tarball`);
		else if (!(file === 'package.json' || DOCUMENTS.includes(file) || file === main || CODE_DIRS.some((d) => file.startsWith(d)))) {
			add('contents', `${file}: not a built node or credential, package.json, README, LICENSE or CHANGELOG`);
		}
	}
	for (const file of DOCUMENTS) if (!has.has(file)) add('contents', `${file} is missing (add it to "files" in package.json)`);
	if (main && !has.has(main)) add('contents', `"main" (${main}) is not in the tarball`);

	// What n8n's loader and the verification read from package.json.
	if (!/^(@[^/]+\/)?n8n-nodes-/.test(pkg.name ?? '')) add('manifest', `package name ${pkg.name} does not start with n8n-nodes-`);
	if (!(pkg.keywords ?? []).includes('n8n-community-node-package')) add('manifest', 'keyword n8n-community-node-package is missing');
	if (Object.keys(pkg.dependencies ?? {}).length) {
		add('manifest', `runtime dependencies (${Object.keys(pkg.dependencies).join(', ')}): a community package must have none`);
	}
	const nodeFiles = pkg.n8n?.nodes ?? [];
	const credentialFiles = pkg.n8n?.credentials ?? [];
	if (!nodeFiles.length) add('manifest', 'package.json n8n.nodes lists no node');

	const loaded = [];
	for (const [kind, list, suffix] of [
		['node', nodeFiles, '.node.js'],
		['credential', credentialFiles, '.credentials.js'],
	]) {
		for (const file of list) {
			const rel = path.posix.normalize(file);
			if (!has.has(rel)) {
				add('manifest', `n8n.${kind === 'node' ? 'nodes' : 'credentials'} names ${file}, which is not in the tarball`);
				continue;
			}
			if (!rel.endsWith(suffix)) {
				add('manifest', `${file}: a ${kind} file must end with ${suffix}`);
				continue;
			}
			// n8n's loader: the file exports a class named like the file.
			const className = path.posix.basename(rel, suffix);
			let instance;
			try {
				const Class = require(path.join(dir, rel))[className];
				if (typeof Class !== 'function') throw new Error(`it exports no class named ${className}`);
				instance = new Class();
			} catch (error) {
				add('manifest', `${file} does not load as n8n loads it: ${error.message.split('\n')[0]}`);
				continue;
			}
			loaded.push({ kind, file: rel, instance });
		}
	}

	for (const { kind, file, instance } of loaded) {
		const description = kind === 'node' ? instance.description ?? {} : instance;
		const where = path.posix.dirname(file);
		// Icons: "file:x.svg", or { light, dark }, relative to the built file.
		const icons = typeof description.icon === 'string' ? [description.icon] : Object.values(description.icon ?? {});
		if (!icons.length) add('assets', `${file}: ${kind} ${description.name} has no icon`);
		for (const icon of icons) {
			if (typeof icon !== 'string' || !icon.startsWith('file:')) {
				add('assets', `${file}: icon ${JSON.stringify(icon)} is not a file: icon`);
				continue;
			}
			const iconPath = path.posix.normalize(path.posix.join(where, icon.slice('file:'.length)));
			if (!has.has(iconPath)) add('assets', `${file}: icon ${iconPath} is not in the tarball`);
			else if (!/\.(svg|png)$/.test(iconPath)) add('assets', `${file}: icon ${iconPath} is neither .svg nor .png`);
			else if (iconPath.endsWith('.svg') && !fs.readFileSync(path.join(dir, iconPath), 'utf8').includes('<svg')) {
				add('assets', `${iconPath} is not an SVG image`);
			}
		}
		if (kind !== 'node') continue;
		// Codex: <Name>.node.json beside <Name>.node.js, naming the node type n8n registers.
		const codex = file.replace(/\.js$/, '.json');
		if (!has.has(codex)) {
			add('assets', `${codex} (codex: categories, documentation links) is not in the tarball`);
			continue;
		}
		try {
			const json = JSON.parse(fs.readFileSync(path.join(dir, codex), 'utf8'));
			const type = `${pkg.name}.${description.name}`;
			if (json.node !== type) add('assets', `${codex}: "node" is ${JSON.stringify(json.node)}, expected "${type}"`);
			if (!Array.isArray(json.categories) || !json.categories.length) add('assets', `${codex}: no categories`);
		} catch (error) {
			add('assets', `${codex} is not JSON: ${error.message}`);
		}
	}

	// Output schemas: n8n serves /schemas/<type>/<x.y.z>/<resource>/<operation>.json from
	// __schema__/v<x.y.z>/<resource>/<operation>.json beside the node's file (a node without
	// resource and operation: __schema__/v<x.y.z>/output.json), and the editor takes only an object
	// schema with properties.
	const expectedSchemas = new Set();
	for (const { kind, file, instance } of loaded) {
		if (kind !== 'node') continue;
		const description = instance.description ?? {};
		const base = path.posix.join(path.posix.dirname(file), '__schema__');
		for (const version of [].concat(description.version ?? 1)) {
			const versionDir = path.posix.join(base, `v${padVersion(version)}`);
			const operations = operationsOf(description);
			const wanted = operations.length ? operations.map(([r, o]) => `${versionDir}/${r}/${o}.json`) : [`${versionDir}/output.json`];
			for (const schema of wanted) {
				expectedSchemas.add(schema);
				if (!has.has(schema)) {
					add('schemas', `${schema} (the output schema n8n's editor shows before a run) is not in the tarball`);
					continue;
				}
				let json;
				try {
					json = JSON.parse(fs.readFileSync(path.join(dir, schema), 'utf8'));
				} catch (error) {
					add('schemas', `${schema} is not JSON: ${error.message}`);
					continue;
				}
				if (json?.type !== 'object' || !Object.keys(json.properties ?? {}).length) {
					add('schemas', `${schema}: not an object schema with properties, which is all n8n's editor takes`);
				}
			}
		}
	}
	for (const file of files) {
		if (file.includes('/__schema__/') && !expectedSchemas.has(file)) add('schemas', `${file}: a schema for no operation of its node`);
	}

	// In n8n the package gets no dependencies installed: only Node built-ins and peers resolve.
	const allowed = new Set([...builtinModules, ...Object.keys(pkg.peerDependencies ?? {})]);
	for (const file of files.filter((f) => f.endsWith('.js'))) {
		const source = fs.readFileSync(path.join(dir, file), 'utf8');
		for (const [, spec] of source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
			if (spec.startsWith('.')) {
				const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
				if (![target, `${target}.js`, `${target}.json`, `${target}/index.js`].some((t) => has.has(t))) {
					add('requires', `${file} requires ${spec}, which is not in the tarball`);
				}
				continue;
			}
			const name = spec.startsWith('node:') ? spec.slice(5) : spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
			if (!allowed.has(name)) add('requires', `${file} requires ${spec}: neither a Node built-in nor a peer dependency`);
		}
	}

	// The version being published has its entry in the changelog.
	if (has.has('CHANGELOG.md')) {
		const changelog = fs.readFileSync(path.join(dir, 'CHANGELOG.md'), 'utf8');
		if (!new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\]`, 'm').test(changelog)) {
			add('changelog', `CHANGELOG.md has no "## [${pkg.version}]" section for the version in package.json`);
		}
	}
	return problems;
}

/** "dist/nodes/PortalDuct: 36 files" lines: the tarball at a glance (built code by folder). */
function summarize(files) {
	const groups = new Map();
	for (const file of files) {
		const parts = file.split('/');
		const key = parts[0] === 'dist' ? parts.slice(0, Math.min(3, parts.length - 1)).join('/') : file;
		groups.set(key, [...(groups.get(key) ?? []), file]);
	}
	return [...groups].map(([key, list]) => (key === list[0] ? key : `${key}/: ${list.length} file${list.length > 1 ? 's' : ''}`));
}

const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;

async function main() {
	const flag = (name) => process.argv.includes(`--${name}`);
	const t = new Checks('[pack]');
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portalduct-pack-'));
	try {
		const pkg = await t.check(flag('use-dist') ? 'npm pack of the existing dist/' : 'build in a private copy and npm pack', () =>
			buildAndPack({ repo: REPO, workDir, useDist: flag('use-dist') }),
		);
		if (pkg) {
			const unpacked = path.join(workDir, 'unpacked');
			const files = await t.check('tarball unpacks', async () => {
				fs.mkdirSync(unpacked);
				await runOk('tar', ['-xzf', pkg.tarball, '-C', unpacked]);
				const listed = await runOk('tar', ['-tzf', pkg.tarball]);
				return listed.stdout
					.split('\n')
					.filter((l) => l && !l.endsWith('/'))
					.map((l) => l.replace(/^package\//, ''))
					.sort();
			});
			if (files) {
				const dir = path.join(unpacked, 'package');
				// n8n resolves the peer n8n-workflow from its own modules; the repo's copy stands in.
				fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
				const size = fs.statSync(pkg.tarball).size;
				const unpackedSize = files.reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
				console.log(`     [pack] ${path.basename(pkg.tarball)}: ${kB(size)} packed, ${kB(unpackedSize)} unpacked, ${files.length} files`);
				for (const line of summarize(files)) console.log(`     [pack]   ${line}`);
				const problems = inspectPackage(dir, files);
				for (const [area, name] of Object.entries(AREAS)) {
					await t.check(area === 'changelog' ? `CHANGELOG.md has a section for ${pkg.version}` : name, () => {
						const found = problems.filter((p) => p.area === area).map((p) => p.message);
						if (found.length) throw new Error(found.join('\n'));
					});
				}
			}
		}
	} finally {
		const { passed, failed } = t.totals();
		if (flag('keep') || failed) console.log(`Kept ${workDir}`);
		else fs.rmSync(workDir, { recursive: true, force: true });
		console.log(`${passed} passed, ${failed} failed`);
		process.exitCode = failed ? 1 : 0;
	}
}

if (require.main === module) {
	main().catch((error) => {
		console.error(error);
		console.log('0 passed, 1 failed');
		process.exitCode = 1;
	});
}

module.exports = { inspectPackage, summarize, AREAS };
