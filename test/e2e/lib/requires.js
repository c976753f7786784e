'use strict';
// What a scenario needs from the line before it can run; each returns a reason when missing.
const needsSandbox = (ctx) => (!ctx.sandbox && 'no sandbox in the build (test/tools/sandbox)') || null;
const needsSandboxAndCredential = (ctx) =>
	needsSandbox(ctx) || (!ctx.credential && 'the package has no portalDuctApi credential') || null;
const needsNode = (ctx, type) =>
	needsSandboxAndCredential(ctx) || (!ctx.pkg.nodes.some((n) => n.type === type) && `the package has no ${type} node`) || null;

module.exports = { needsSandbox, needsSandboxAndCredential, needsNode };
