'use strict';
// The package's output schemas as n8n serves them to the editor, which shows a node's fields from
// them before the node has run. The editor (1.x and 2.x alike) asks
// `GET <n8n>/schemas/<node type>/<version as x.y.z>/<resource>/<operation>.json` without the session
// cookie (withCredentials: false), and n8n answers from `__schema__/v<x.y.z>/...` beside the node's
// file. Every resource/operation n8n lists for the PortalDuct node must be served, byte for byte the
// file the tarball installed.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { request } = require('../lib/http');

/** The operation n8n adds to nodes whose credential can authenticate: it has no output of its own. */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

/** `1` -> `1.0.0`, as the editor pads a typeVersion before asking. */
const padVersion = (version) => String(version).split('.').concat(['0', '0']).slice(0, 3).join('.');

/** Every [resource, operation] of a node description as n8n serves it (its pickers' options). */
function operationsOf(description) {
	const resource = description.properties.find((p) => p.name === 'resource');
	const pickers = description.properties.filter((p) => p.name === 'operation');
	return (resource?.options ?? []).flatMap(({ value }) =>
		pickers
			.filter((p) => p.displayOptions?.show?.resource?.includes(value))
			.flatMap((p) => p.options.map((o) => o.value).filter((o) => o !== CUSTOM_API_CALL).map((o) => [value, o])),
	);
}

/** GETs a schema as the editor does (no cookie) and checks it is the installed file, in the editor's shape. */
async function expectServed(url, installedFile) {
	const answer = await request('GET', url);
	assert.equal(answer.status, 200, `${url} -> ${answer.status} ${answer.text.slice(0, 200)}`);
	assert.equal(answer.text, fs.readFileSync(installedFile, 'utf8'), `${url} is not the installed ${installedFile}`);
	// The editor takes a schema only with a type and properties (isNonEmptyJsonSchema).
	assert.equal(answer.json?.type, 'object');
	assert.ok(Object.keys(answer.json.properties ?? {}).length > 0, 'no properties');
}

module.exports = {
	name: 'output-schemas',
	requires: (ctx) => (ctx.pkg.nodes.length ? null : 'package.json lists no nodes'),
	workflows: () => [],

	async server(ctx, t) {
		const nodeTypes = await t.check('GET /types/nodes.json', () => ctx.n8n.rest('GET', '/types/nodes.json'));
		if (!nodeTypes) return;
		const installed = path.join(ctx.n8n.userFolder, '.n8n', 'nodes', 'node_modules', ctx.pkg.packageName);
		for (const node of ctx.pkg.nodes) {
			const description = nodeTypes.find((n) => n.name === node.type);
			const listed = await t.check(`${node.type} is in /types/nodes.json`, () => {
				assert.ok(description, 'not served');
				return true;
			});
			if (!listed) continue;
			const version = padVersion(Math.max(...[].concat(description?.version ?? 1)));
			const schemaDir = path.join(installed, path.dirname(node.file), '__schema__', `v${version}`);
			const base = `${ctx.n8n.url}/schemas/${node.type}/${version}`;
			if (node.trigger) {
				// The 2.41.1 editor shows no schema preview for a trigger; n8n's own output-schema lookup
				// reads output.json for a node without resource and operation. The route serves it too.
				await t.check(`${node.type}: n8n serves its item schema (output.json)`, () =>
					expectServed(`${base}/output.json`, path.join(schemaDir, 'output.json')),
				);
				continue;
			}
			const operations = operationsOf(description);
			await t.check(`${node.type}: n8n lists resources and operations`, () => assert.ok(operations.length > 0));
			for (const [resource, operation] of operations) {
				await t.check(`${node.type} ${resource}/${operation}: the editor's schema request is answered with ours`, () =>
					expectServed(`${base}/${resource}/${operation}.json`, path.join(schemaDir, resource, `${operation}.json`)),
				);
			}
			// The route answers 404 for what is not there, so the 200s above are our files, not a fallback page.
			await t.check(`${node.type}: an operation it does not have is answered 404`, async () => {
				const answer = await request('GET', `${base}/customer/noSuchOperation.json`);
				assert.equal(answer.status, 404);
			});
		}
	},
};
