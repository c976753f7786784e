#!/usr/bin/env node
'use strict';
// `prepublishOnly`: a release is published only by the GitHub Actions workflow
// (.github/workflows/publish.yml, on a pushed tag vX.Y.Z), with an npm provenance statement, never
// by a plain `npm publish` from a laptop. n8n requires provenance for community nodes, and the
// statement proves which commit and workflow built the tarball.
// Exit 0 when both hold (npm then goes on: the script builds next); exit 1 with the reasons.

/** Why publishing must not happen here (empty: it may). */
function refusals(env) {
	const reasons = [];
	if (env.GITHUB_ACTIONS !== 'true') {
		reasons.push('this is not GitHub Actions (GITHUB_ACTIONS is not "true")');
	}
	// npm passes `--provenance` to scripts as npm_config_provenance=true; a variable set by hand
	// reaches us under the name it was given.
	const provenance = env.npm_config_provenance ?? env.NPM_CONFIG_PROVENANCE;
	if (provenance !== 'true') {
		reasons.push('npm was not asked for a provenance statement (`npm publish --provenance`)');
	}
	return reasons;
}

if (require.main === module) {
	const reasons = refusals(process.env);
	const pkg = require('../../package.json');
	const what = `${pkg.name}@${pkg.version}`;
	if (reasons.length) {
		console.error(
			[
				`Refusing to publish ${what}:`,
				...reasons.map((r) => `  - ${r}`),
				'Releases are published by .github/workflows/publish.yml: bump "version" in package.json, give it',
				'a dated section in CHANGELOG.md, commit, then push a tag v<version> (git tag v1.2.3 && git push origin v1.2.3).',
				'To see what would be published, run `npm run test:pack`.',
			].join('\n'),
		);
		process.exit(1);
	}
	console.log(`Publishing ${what} from GitHub Actions with provenance.`);
}

module.exports = { refusals };
