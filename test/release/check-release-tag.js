#!/usr/bin/env node
'use strict';
// Run by the publish workflow before anything else: the pushed tag must be v<version of
// package.json>, and CHANGELOG.md must have a dated section for that version.
//
//   node test/release/check-release-tag.js [TAG] [--dir PACKAGE_DIR]
//
// TAG defaults to $GITHUB_REF_NAME (the tag that started the workflow). Prints the npm dist-tag to
// publish under ("latest", or "next" for a pre-release such as 1.0.0-beta.1) on stdout; exit 1
// with the reason otherwise.
const fs = require('node:fs');
const path = require('node:path');

/** { distTag } for a tag that may be published from dir, or { error }. */
function checkReleaseTag(tag, dir) {
	const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
	const match = /^v(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/.exec(tag ?? '');
	if (!match) return { error: `tag ${JSON.stringify(tag ?? '')} is not v<major>.<minor>.<patch>[-<pre-release>]` };
	if (match[1] !== pkg.version) {
		return { error: `tag ${tag} does not match package.json version ${pkg.version}: bump "version" or tag v${pkg.version}` };
	}
	let changelog = '';
	try {
		changelog = fs.readFileSync(path.join(dir, 'CHANGELOG.md'), 'utf8');
	} catch {
		return { error: 'CHANGELOG.md is missing' };
	}
	const escaped = pkg.version.replace(/[.+-]/g, '\\$&');
	if (!new RegExp(`^## \\[${escaped}\\] - \\d{4}-\\d{2}-\\d{2}\\s*$`, 'm').test(changelog)) {
		return { error: `CHANGELOG.md has no "## [${pkg.version}] - YYYY-MM-DD" section: move the [Unreleased] entries there` };
	}
	return { distTag: match[1].includes('-') ? 'next' : 'latest' };
}

if (require.main === module) {
	const args = process.argv.slice(2);
	const dirAt = args.indexOf('--dir');
	const dir = dirAt >= 0 ? args.splice(dirAt, 2)[1] : path.join(__dirname, '..', '..');
	const tag = args[0] ?? process.env.GITHUB_REF_NAME;
	const result = checkReleaseTag(tag, dir);
	if (result.error) {
		console.error(`Not publishing: ${result.error}`);
		process.exit(1);
	}
	console.log(result.distTag);
}

module.exports = { checkReleaseTag };
