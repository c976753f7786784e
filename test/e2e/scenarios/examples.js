'use strict';
// Every workflow in examples/ imports into this n8n line, and every node it uses exists here in
// the type version it names (a 2.x-only typeVersion would break 1.x users on import).
const assert = require('node:assert/strict');
const { examples } = require('../lib/workflows');

module.exports = {
	name: 'examples',
	requires: (ctx) => (examples(ctx.repo).length === 0 ? 'examples/ has no workflow JSON yet' : null),
	workflows: (ctx) => examples(ctx.repo).map((e, i) => ({ role: `example${i + 1}`, ...e })),

	async server(ctx, t) {
		const nodeTypes = ctx.shared.nodeTypes ?? (await ctx.n8n.rest('GET', '/types/nodes.json'));
		const versions = new Map();
		for (const n of nodeTypes) {
			for (const v of [].concat(n.version)) versions.set(`${n.name}@${v}`, true);
		}
		for (const [role, source] of Object.entries(ctx.sources).filter(([r]) => r.startsWith('example'))) {
			await t.check(`${source}: imported, every node type and version known`, async () => {
				const { data: stored } = await ctx.n8n.rest('GET', `/rest/workflows/${ctx.ids[role]}`);
				const unknown = stored.nodes
					.filter((n) => !versions.has(`${n.type}@${n.typeVersion}`))
					.map((n) => `${n.name} (${n.type} v${n.typeVersion})`);
				assert.deepEqual(unknown, []);
			});
		}
	},
};
