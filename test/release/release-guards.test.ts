/**
 * What stands between a commit and npm: the prepublishOnly guard (no `npm publish` outside GitHub
 * Actions with provenance), the publish workflow's tag check and its trusted publishing (no npm
 * token anywhere), and audit:prod's verdicts.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.join(__dirname, '..', '..');
const GUARD = path.join(__dirname, 'prepublish-guard.js');
const { checkReleaseTag } = require('./check-release-tag') as {
	checkReleaseTag: (tag: string | undefined, dir: string) => { distTag?: string; error?: string };
};
const { verdict } = require('./audit-prod') as {
	verdict: (stdout: string, status: number | null) => { kind: string; lines: string[] };
};

/** This process's environment without anything that would tell the guard it may publish. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env = Object.fromEntries(
		Object.entries(process.env).filter(([k]) => !/^(GITHUB_|npm_|NPM_CONFIG_)/i.test(k)),
	) as NodeJS.ProcessEnv;
	return { ...env, npm_config_update_notifier: 'false', ...extra };
}

function guard(env: NodeJS.ProcessEnv) {
	return spawnSync(process.execPath, [GUARD], { env, encoding: 'utf8', timeout: 30_000 });
}

describe('prepublishOnly guard', () => {
	test('refuses outside GitHub Actions, without provenance, and says how releases are made', () => {
		const r = guard(cleanEnv());
		expect(r.status).toBe(1);
		expect(r.stderr).toContain('Refusing to publish n8n-nodes-portalduct@');
		expect(r.stderr).toContain('this is not GitHub Actions');
		expect(r.stderr).toContain('npm publish --provenance');
		expect(r.stderr).toContain('.github/workflows/publish.yml');
		expect(r.stderr).toContain('push a tag v<version>');
	});

	test('refuses in GitHub Actions when npm was not asked for provenance', () => {
		const r = guard(cleanEnv({ GITHUB_ACTIONS: 'true' }));
		expect(r.status).toBe(1);
		expect(r.stderr).not.toContain('this is not GitHub Actions');
		expect(r.stderr).toContain('provenance');
	});

	test('refuses provenance asked for outside GitHub Actions', () => {
		const r = guard(cleanEnv({ npm_config_provenance: 'true' }));
		expect(r.status).toBe(1);
		expect(r.stderr).toContain('this is not GitHub Actions');
		expect(r.stderr).not.toContain('provenance statement');
	});

	test.each([
		['--provenance (npm_config_provenance)', { npm_config_provenance: 'true' }],
		['NPM_CONFIG_PROVENANCE=true', { NPM_CONFIG_PROVENANCE: 'true' }],
	])('lets GitHub Actions with %s through', (_what, provenance) => {
		const r = guard(cleanEnv({ GITHUB_ACTIONS: 'true', ...provenance }));
		expect(r.stderr).toBe('');
		expect(r.status).toBe(0);
	});

	test('is what package.json runs before publishing, and it refuses a plain run from here', () => {
		const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
		expect(pkg.scripts.prepublishOnly).toMatch(/^node test\/release\/prepublish-guard\.js && npm run build$/);
		// Through npm, as `npm publish` runs it: npm itself does not set provenance.
		const r = spawnSync('npm', ['run', 'prepublishOnly'], {
			cwd: REPO,
			env: cleanEnv({ GITHUB_ACTIONS: 'true' }),
			encoding: 'utf8',
			timeout: 60_000,
		});
		expect(r.status).not.toBe(0);
		expect(r.stderr).toContain('npm was not asked for a provenance statement');
	});
});

describe('release tag check', () => {
	const dirs: string[] = [];
	afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

	function packageDir(version: string, changelog: string | undefined): string {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portalduct-tag-test-'));
		dirs.push(dir);
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'n8n-nodes-x', version }));
		if (changelog !== undefined) fs.writeFileSync(path.join(dir, 'CHANGELOG.md'), changelog);
		return dir;
	}

	test('this repository may publish the tag of its own version', () => {
		const { version } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
		expect(checkReleaseTag(`v${version}`, REPO)).toEqual({ distTag: version.includes('-') ? 'next' : 'latest' });
	});

	test.each([
		['1.2.3', 'v1.2.3', '## [1.2.3] - 2026-12-01\n', { distTag: 'latest' }],
		['1.3.0-beta.1', 'v1.3.0-beta.1', '## [1.3.0-beta.1] - 2026-12-01\n', { distTag: 'next' }],
		['1.2.3', 'v1.2.4', '## [1.2.3] - 2026-12-01\n', { error: expect.stringContaining('does not match package.json version 1.2.3') }],
		['1.2.3', '1.2.3', '## [1.2.3] - 2026-12-01\n', { error: expect.stringContaining('is not v<major>') }],
		['1.2.3', undefined, '## [1.2.3] - 2026-12-01\n', { error: expect.stringContaining('is not v<major>') }],
		['1.2.3', 'v1.2.3', '## [Unreleased]\n- things\n', { error: expect.stringContaining('no "## [1.2.3] - YYYY-MM-DD" section') }],
		['1.2.3', 'v1.2.3', '## [1.2.3]\n', { error: expect.stringContaining('no "## [1.2.3] - YYYY-MM-DD" section') }],
		['1.2.3', 'v1.2.3', undefined, { error: 'CHANGELOG.md is missing' }],
	])('version %s, tag %s', (version, tag, changelog, expected) => {
		expect(checkReleaseTag(tag, packageDir(version, changelog))).toEqual(expected);
	});
});

describe('audit:prod verdicts', () => {
	const report = (vulnerabilities: Record<string, unknown>, total: number, prod: number) =>
		JSON.stringify({
			auditReportVersion: 2,
			vulnerabilities,
			metadata: { vulnerabilities: { total }, dependencies: { prod } },
		});

	test('no runtime dependencies is clean, and says so', () => {
		const v = verdict(report({}, 0, 1), 0);
		expect(v.kind).toBe('clean');
		expect(v.lines.join('\n')).toContain('no runtime dependencies');
	});

	test('findings fail with each advisory named', () => {
		const v = verdict(
			report({ lodash: { name: 'lodash', severity: 'high', range: '<4.17.21', via: [{ title: 'Prototype pollution', url: 'https://x' }], fixAvailable: true } }, 1, 2),
			1,
		);
		expect(v.kind).toBe('findings');
		expect(v.lines.join('\n')).toContain('high lodash <4.17.21: Prototype pollution (https://x) (fix available');
	});

	test('an unreachable audit endpoint is unknown, never clean', () => {
		const v = verdict(
			JSON.stringify({ message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405, error: { summary: '', detail: '' } }),
			1,
		);
		expect(v.kind).toBe('unknown');
		expect(v.lines.join('\n')).toContain('405 Method Not Allowed');
		expect(v.lines.join('\n')).toContain('UNKNOWN, not clean');
		expect(verdict('', null).kind).toBe('unknown');
	});
});

describe('publish workflow: npm trusted publishing, no token', () => {
	const { publishWorkflowProblems } = require('./check-publish-workflow') as {
		publishWorkflowProblems: (text: string) => string[];
	};
	const WORKFLOW = fs.readFileSync(path.join(REPO, '.github', 'workflows', 'publish.yml'), 'utf8');
	const PUBLISH = /^( *)- name: npm publish --provenance \(trusted publishing\)\n\1  run: .*$/m;

	/** The real workflow with `extra` lines added under its publish step (as its `env` or `run`). */
	function withPublishStep(extra: string): string {
		expect(WORKFLOW).toMatch(PUBLISH);
		return WORKFLOW.replace(PUBLISH, (step, indent: string) => `${step}\n${extra.replace(/^/gm, `${indent}  `)}`);
	}

	test('the real workflow passes, and its check script says so', () => {
		expect(publishWorkflowProblems(WORKFLOW)).toEqual([]);
		const r = spawnSync(process.execPath, [path.join(__dirname, 'check-publish-workflow.js')], { encoding: 'utf8', timeout: 30_000 });
		expect(r.status).toBe(0);
		expect(r.stdout).toContain('passed: publish.yml publishes by trusted publishing, with no token');
	});

	test.each([
		['NODE_AUTH_TOKEN from a secret', 'env:\n  NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}', /NODE_AUTH_TOKEN/],
		['a lower-case node_auth_token', 'env:\n  node_auth_token: x', /NODE_AUTH_TOKEN/],
		['NPM_TOKEN under another name', 'env:\n  TOKEN: ${{ secrets.NPM_TOKEN }}', /NPM_TOKEN/],
		['any repository secret', 'env:\n  PUBLISH_KEY: ${{ secrets.PUBLISH_KEY }}', /repository secret/],
		['npm_config__authToken', 'env:\n  npm_config__authToken: abc', /_authToken/],
		['NPM_CONFIG__AUTHTOKEN', 'env:\n  NPM_CONFIG__AUTHTOKEN: abc', /_authToken/],
		['an .npmrc _authToken line', 'env:\n  X: "//registry.npmjs.org/:_authToken=abc"', /_authToken/],
		['npm_config__auth', 'env:\n  npm_config__auth: dXNlcjpwYXNz', /_auth setting/],
	])('a token planted in the publish step fails it: %s', (_what, planted, named) => {
		const problems = publishWorkflowProblems(withPublishStep(planted));
		expect(problems.join('\n')).toMatch(named);
		expect(problems.join('\n')).toContain('trusted publishing needs no token');
	});

	test('a token written into .npmrc by a step of its own fails it', () => {
		const planted = WORKFLOW.replace(
			'      # prepublishOnly checks',
			'      - run: echo "//registry.npmjs.org/:_authToken=$T" > ~/.npmrc\n      # prepublishOnly checks',
		);
		expect(planted).not.toBe(WORKFLOW);
		expect(publishWorkflowProblems(planted).join('\n')).toMatch(/_authToken/);
	});

	test("setup-node's registry-url (a placeholder token in .npmrc) fails it", () => {
		const planted = WORKFLOW.replace('          node-version: 22 ', '          registry-url: https://registry.npmjs.org\n          node-version: 22 ');
		expect(planted).not.toBe(WORKFLOW);
		expect(publishWorkflowProblems(planted).join('\n')).toContain("setup-node's registry-url");
	});

	test('without id-token: write, provenance, npm 11.5.1 or Node 22.14 it fails, naming which', () => {
		const cases: Array<[string, string, RegExp]> = [
			['  id-token: write', '  id-token: read', /id-token: write/],
			['npm publish --provenance --access', 'npm publish --access', /without --provenance/],
			['npm 11 for trusted publishing\n        run: npm install -g npm@11.19.1', 'npm 11 for trusted publishing\n        run: npm install -g npm@11.5.0', /npm 11\.5\.0: trusted publishing needs npm 11\.5\.1/],
			['node-version: 22 ', 'node-version: 20 ', /Node 20: trusted publishing needs Node 22\.14/],
		];
		for (const [from, to, named] of cases) {
			const planted = WORKFLOW.replace(from, to);
			expect(planted).not.toBe(WORKFLOW);
			expect(publishWorkflowProblems(planted).join('\n')).toMatch(named);
		}
	});

	test('the check script exits 1 on a workflow with a token, naming the file and the line', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portalduct-publish-test-'));
		try {
			const file = path.join(dir, 'publish.yml');
			fs.writeFileSync(file, withPublishStep('env:\n  NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}'));
			const r = spawnSync(process.execPath, [path.join(__dirname, 'check-publish-workflow.js'), file], { encoding: 'utf8', timeout: 30_000 });
			expect(r.status).toBe(1);
			expect(r.stderr).toMatch(/publish\.yml names NODE_AUTH_TOKEN on line \d+/);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
