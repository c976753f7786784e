/**
 * The tarball checker (test/release/check-tarball.js) on small made-up packages: a good one passes,
 * and each thing that must not ship (or must) is reported in its check. `npm run test:pack` runs
 * the checker on the real tarball.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

type Problem = { area: string; message: string };
const { inspectPackage } = require('./check-tarball') as {
	inspectPackage: (dir: string, files: string[]) => Problem[];
};

const SCHEMA = JSON.stringify({ type: 'object', properties: { id: { type: 'string' } } });

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>';

/** A minimal community package as `npm pack` would unpack it: path -> content. */
function goodPackage(): Record<string, string> {
	return {
		'package.json': JSON.stringify({
			name: 'n8n-nodes-fake',
			version: '1.2.3',
			keywords: ['n8n-community-node-package'],
			main: 'index.js',
			n8n: {
				n8nNodesApiVersion: 1,
				nodes: ['dist/nodes/Fake/Fake.node.js'],
				credentials: ['dist/credentials/FakeApi.credentials.js'],
			},
			peerDependencies: { 'n8n-workflow': '*' },
		}),
		'README.md': '# fake\n',
		LICENSE: 'MIT\n',
		'CHANGELOG.md': '# Changelog\n\n## [Unreleased]\n\n## [1.2.3] - 2026-01-01\n',
		'index.js': 'module.exports = {};\n',
		'dist/nodes/Fake/Fake.node.js': [
			"const path = require('node:path');",
			"const { helper } = require('./helper');",
			// Never called: only the text matters to the check (n8n-workflow is not installed here).
			"function later() { return require('n8n-workflow'); }",
			"class Fake { constructor() { this.description = { name: 'fake', icon: { light: 'file:fake.svg', dark: 'file:fake.dark.svg' } }; } }",
			'module.exports = { Fake, later, helper, path };',
		].join('\n'),
		'dist/nodes/Fake/helper.js': "const crypto = require('crypto');\nmodule.exports = { helper: () => crypto.randomUUID() };\n",
		'dist/nodes/Fake/Fake.node.json': JSON.stringify({ node: 'n8n-nodes-fake.fake', categories: ['Miscellaneous'] }),
		'dist/nodes/Fake/fake.svg': SVG,
		'dist/nodes/Fake/fake.dark.svg': SVG,
		// A node without resource and operation: one schema for its items.
		'dist/nodes/Fake/__schema__/v1.0.0/output.json': SCHEMA,
		'dist/credentials/FakeApi.credentials.js':
			"class FakeApi { constructor() { this.name = 'fakeApi'; this.icon = 'file:../nodes/Fake/fake.svg'; } }\nmodule.exports = { FakeApi };\n",
	};
}

const dirs: string[] = [];
afterAll(() => {
	for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes the package into a new temp folder and inspects it. */
function inspect(files: Record<string, string | undefined>): Problem[] {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portalduct-pack-test-'));
	dirs.push(dir);
	const present = Object.entries(files).filter((e): e is [string, string] => e[1] !== undefined);
	for (const [file, content] of present) {
		fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
		fs.writeFileSync(path.join(dir, file), content);
	}
	return inspectPackage(
		dir,
		present.map(([file]) => file),
	);
}

function withPackageJson(change: (pkg: Record<string, any>) => void): Record<string, string> {
	const files = goodPackage();
	const pkg = JSON.parse(files['package.json']);
	change(pkg);
	return { ...files, 'package.json': JSON.stringify(pkg) };
}

test('a package with only built code, icons, codex files and the documents passes', () => {
	expect(inspect(goodPackage())).toEqual([]);
});

test.each([
	['a TypeScript source', { 'dist/nodes/Fake/Fake.node.ts': 'export {}' }, 'contents', 'Fake.node.ts: TypeScript source'],
	['a source map', { 'dist/nodes/Fake/Fake.node.js.map': '{}' }, 'contents', 'Fake.node.js.map: source map'],
	['the compiled sandbox', { 'test-build/tools/sandbox/index.js': '' }, 'contents', 'test-build/tools/sandbox/index.js: test or sandbox code'],
	['other compiled test code', { 'test-build/support/fixture.js': '' }, 'contents', 'test-build/support/fixture.js: test or sandbox code'],
	['a test file among the nodes', { 'dist/nodes/Fake/Fake.test.js': '' }, 'contents', 'Fake.test.js: test file'],
	['a dot file', { 'dist/nodes/Fake/.env': 'TOKEN=x' }, 'contents', '.env: dot file'],
	['a file outside dist/nodes and dist/credentials', { 'scripts/release.js': '' }, 'contents', 'scripts/release.js: not a built node'],
	['no CHANGELOG', { 'CHANGELOG.md': undefined }, 'contents', 'CHANGELOG.md is missing'],
	['no LICENSE', { LICENSE: undefined }, 'contents', 'LICENSE is missing'],
	['a missing dark icon', { 'dist/nodes/Fake/fake.dark.svg': undefined }, 'assets', 'icon dist/nodes/Fake/fake.dark.svg is not in the tarball'],
	['an icon that is not SVG', { 'dist/nodes/Fake/fake.svg': 'GIF89a' }, 'assets', 'dist/nodes/Fake/fake.svg is not an SVG image'],
	['a missing codex file', { 'dist/nodes/Fake/Fake.node.json': undefined }, 'assets', 'Fake.node.json (codex'],
	[
		'a codex naming another node',
		{ 'dist/nodes/Fake/Fake.node.json': JSON.stringify({ node: 'n8n-nodes-other.fake', categories: ['X'] }) },
		'assets',
		'expected "n8n-nodes-fake.fake"',
	],
	['a credential icon that is not shipped', { 'dist/nodes/Fake/fake.svg': undefined }, 'assets', 'FakeApi.credentials.js: icon dist/nodes/Fake/fake.svg'],
	[
		'code that needs a package n8n will not install',
		{ 'dist/nodes/Fake/helper.js': "module.exports = { helper: () => require('axios') };" },
		'requires',
		"requires axios: neither a Node built-in nor a peer dependency",
	],
	[
		'code that requires a file left out',
		{ 'dist/nodes/Fake/helper.js': "module.exports = { helper: () => require('./transport/request') };" },
		'requires',
		'requires ./transport/request, which is not in the tarball',
	],
	['a node without its output schema', { 'dist/nodes/Fake/__schema__/v1.0.0/output.json': undefined }, 'schemas', 'v1.0.0/output.json (the output schema'],
	['a schema in a folder n8n does not read', { 'dist/nodes/Fake/__schema__/v1/output.json': SCHEMA }, 'schemas', '__schema__/v1/output.json: a schema for no operation'],
	['a schema that is not JSON', { 'dist/nodes/Fake/__schema__/v1.0.0/output.json': '{' }, 'schemas', 'output.json is not JSON'],
	[
		'a schema the editor would not take',
		{ 'dist/nodes/Fake/__schema__/v1.0.0/output.json': JSON.stringify({ type: 'object', properties: {} }) },
		'schemas',
		'not an object schema with properties',
	],
	['a changelog without the version', { 'CHANGELOG.md': '# Changelog\n\n## [Unreleased]\n' }, 'changelog', 'no "## [1.2.3]" section'],
])('%s is reported', (_what, change, area, message) => {
	const problems = inspect({ ...goodPackage(), ...change });
	expect(problems).toContainEqual({ area, message: expect.stringContaining(message) });
});

test.each([
	[
		'n8n.nodes naming a file that is not shipped',
		(pkg: Record<string, any>) => pkg.n8n.nodes.push('dist/nodes/Gone/Gone.node.js'),
		'dist/nodes/Gone/Gone.node.js, which is not in the tarball',
	],
	['a runtime dependency', (pkg: Record<string, any>) => (pkg.dependencies = { axios: '^1' }), 'runtime dependencies (axios)'],
	['no community keyword', (pkg: Record<string, any>) => (pkg.keywords = []), 'keyword n8n-community-node-package'],
	['a name n8n does not look for', (pkg: Record<string, any>) => (pkg.name = 'portalduct-nodes'), 'does not start with n8n-nodes-'],
	['a main file not shipped', (pkg: Record<string, any>) => (pkg.main = 'lib/index.js'), '"main" (lib/index.js) is not in the tarball'],
])('package.json with %s is reported', (_what, change, message) => {
	const problems = inspect(withPackageJson(change));
	expect(problems.map((p) => p.message)).toContainEqual(expect.stringContaining(message));
});

test('a node with resources and operations needs a schema for each operation, at its version', () => {
	const description = {
		name: 'fake',
		version: 2,
		icon: 'file:fake.svg',
		properties: [
			{ name: 'resource', options: [{ value: 'order' }, { value: 'user' }] },
			{ name: 'operation', displayOptions: { show: { resource: ['order'] } }, options: [{ value: 'get' }, { value: 'create' }] },
			{ name: 'operation', displayOptions: { show: { resource: ['user'] } }, options: [{ value: 'get' }] },
		],
	};
	const node = `class Fake { constructor() { this.description = ${JSON.stringify(description)}; } }\nmodule.exports = { Fake };\n`;
	const files: Record<string, string | undefined> = {
		...goodPackage(),
		'dist/nodes/Fake/Fake.node.js': node,
		'dist/nodes/Fake/__schema__/v1.0.0/output.json': undefined,
		'dist/nodes/Fake/__schema__/v2.0.0/order/get.json': SCHEMA,
		'dist/nodes/Fake/__schema__/v2.0.0/user/get.json': SCHEMA,
	};
	expect(inspect(files).map((p) => p.message)).toEqual([
		"dist/nodes/Fake/__schema__/v2.0.0/order/create.json (the output schema n8n's editor shows before a run) is not in the tarball",
	]);
	expect(inspect({ ...files, 'dist/nodes/Fake/__schema__/v2.0.0/order/create.json': SCHEMA })).toEqual([]);
});

test('a node file that does not export a class named like the file is reported', () => {
	const problems = inspect({ ...goodPackage(), 'dist/nodes/Fake/Fake.node.js': 'module.exports = { Other: class {} };' });
	expect(problems).toContainEqual({ area: 'manifest', message: expect.stringContaining('exports no class named Fake') });
});
