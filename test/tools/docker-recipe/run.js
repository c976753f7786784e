#!/usr/bin/env node
'use strict';
// `npm run test:docker-recipe`: the Docker recipe of docs/docker checked without a Docker daemon.
// Reads docs/docker/Dockerfile (its base image must be the n8n version the e2e suite tests), packs
// the package, replays the recipe's COPY and RUN steps in a temp folder standing for the image's
// /home/node, then starts that real n8n (cached, as for the e2e) with N8N_USER_FOLDER there and
// checks over its REST API that it loaded both PortalDuct nodes, the credential and their icons.
// Inside a loopback-only network namespace: the recipe must not need the registry either.
//
//   node test/tools/docker-recipe/run.js [--use-dist] [--keep] [--no-netns] [--no-install] [--recipe DIR]
//
// --recipe DIR the folder with the Dockerfile (default docs/docker), to try a variant
// --use-dist   pack the repo's existing dist/ instead of building a private copy
// --keep       keep the temp folder (the replayed home with n8n's user folder and n8n-start.log)
// --no-netns   run without a network namespace (when not root); n8n is still told loopback only
// --no-install fail instead of installing a missing n8n line
// Prints "N passed, N failed" last; exit 1 on any failure.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { Checks, StepFailed } = require('../../e2e/lib/checks');
const { installed, LINES } = require('../../e2e/lib/lines');
const { wrapInNetns, interfaces, otherPidsInMyNetns } = require('../../e2e/lib/netns');
const { buildAndPack } = require('../../e2e/lib/pack');
const { request } = require('../../e2e/lib/http');
const { waitFor } = require('../../e2e/lib/proc');
const { N8nInstance } = require('../../e2e/lib/n8n');
const { parseDockerfile, reviewRecipe, replay } = require('./dockerfile');
const { freePort, runInner } = require('../../e2e/lib/inner-run');

const REPO = path.join(__dirname, '..', '..', '..');
const LINE = 2; // the n8n line whose version the Dockerfile pins
const IMAGE = 'n8nio/n8n';
const INNER_TIMEOUT_MS = 10 * 60_000;
const flag = (name) => process.argv.includes(`--${name}`);
const option = (name) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : undefined;
};
const RECIPE_DIR = path.resolve(option('recipe') ?? path.join(REPO, 'docs', 'docker'));


/** Outside the namespace: read the recipe, install n8n if needed, pack; then the inner part. */
async function outer() {
	const t = new Checks('[docker-recipe]');
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portalduct-docker-recipe-'));
	const netns = !flag('no-netns');
	let inner = { passed: 0, failed: 0, failures: [] };
	try {
		const instructions = await t.step(`${path.relative(REPO, path.join(RECIPE_DIR, 'Dockerfile'))} parses; FROM, USER and COPY ownership as n8n needs`, () => {
			const steps = parseDockerfile(fs.readFileSync(path.join(RECIPE_DIR, 'Dockerfile'), 'utf8'));
			const problems = reviewRecipe(steps, { image: IMAGE, version: LINES[LINE].version });
			if (problems.length) throw new Error(problems.join('\n'));
			assert.ok(steps.some((s) => s.instruction === 'RUN'), 'no RUN step');
			return steps;
		});
		if (!installed(LINE)) {
			await t.step(`install n8n ${LINES[LINE].version} (cached for next time)`, () => {
				if (flag('no-install')) throw new Error(`not installed; run test/e2e/install-n8n.sh ${LINE}`);
				const r = spawnSync('bash', [path.join(REPO, 'test', 'e2e', 'install-n8n.sh'), String(LINE)], {
					stdio: ['ignore', 'inherit', 'inherit'],
					timeout: 60 * 60_000,
				});
				if (r.status !== 0 || !installed(LINE)) throw new Error(`install-n8n.sh ${LINE} exited ${r.status ?? r.signal}`);
			});
		}
		const pkg = await t.step(flag('use-dist') ? 'npm pack of the existing dist/' : 'build in a private copy and npm pack', () =>
			buildAndPack({ repo: REPO, workDir, useDist: flag('use-dist') }),
		);
		// The build context: the recipe's folder plus the tarball, as docs/docker/README.md says.
		const context = path.join(workDir, 'context');
		// A tarball someone packed into docs/docker is not the one under test.
		fs.cpSync(RECIPE_DIR, context, { recursive: true, filter: (src) => !src.endsWith('.tgz') });
		fs.copyFileSync(pkg.tarball, path.join(context, path.basename(pkg.tarball)));
		const manifestFile = path.join(workDir, 'manifest.json');
		fs.writeFileSync(manifestFile, JSON.stringify({ ...pkg, workDir, context, instructions, netns }, null, 2));

		const args = [__filename, '--inner', '--manifest', manifestFile];
		const [cmd, cmdArgs] = netns ? wrapInNetns(process.execPath, args) : [process.execPath, args];
		inner = await runRecipeInner(cmd, cmdArgs);
	} catch (error) {
		if (!(error instanceof StepFailed)) {
			t.failed++;
			console.log(`FAIL ${t.prefix} unexpected: ${error?.stack ?? error}`);
		}
	}
	const passed = t.passed + inner.passed;
	const failed = t.failed + inner.failed;
	if (flag('keep') || failed) console.log(`Kept ${workDir}`);
	else fs.rmSync(workDir, { recursive: true, force: true });
	console.log(`${passed} passed, ${failed} failed`);
	process.exitCode = failed ? 1 : 0;
}

/** Runs the inner part, echoing its output; resolves its totals (a failure if it gave none). */
function runRecipeInner(cmd, args) {
	return runInner({
		cmd,
		args,
		marker: 'RECIPE_RESULT',
		timeoutMs: INNER_TIMEOUT_MS,
		onTimeout: (pid) => console.log(`FAIL [docker-recipe] timed out after ${INNER_TIMEOUT_MS / 60_000} min, stopping pid ${pid}`),
		fallback: (code) => ({ passed: 0, failed: 1, failures: [`inner part ended (exit ${code}) without a result`] }),
	});
}

/** Inside the namespace: replay the recipe, start n8n on the result, ask it what it loaded. */
async function inner() {
	const manifest = JSON.parse(fs.readFileSync(option('manifest'), 'utf8'));
	const t = new Checks('[docker-recipe]');
	const line = installed(LINE);
	const home = path.join(manifest.workDir, 'home'); // stands for the image's /home/node
	let n8n;
	const killN8n = () => n8n?.server?.killNow();
	process.on('exit', killN8n);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.on(signal, () => {
			killN8n();
			process.exit(130);
		});
	}
	try {
		if (manifest.netns) {
			await t.step('runs in a loopback-only network namespace', () => assert.deepEqual(interfaces(), ['lo']));
		}
		await t.step('the recipe\'s COPY and RUN steps succeed offline, as user folder <temp>/.n8n', async () => {
			fs.mkdirSync(path.join(home, '.n8n'), { recursive: true }); // the image has it, owned by node
			await replay(manifest.instructions, {
				home,
				context: manifest.context,
				log: (l) => console.log(`     [docker-recipe]   ${l}`),
			});
		});
		await t.step('the package is where n8n scans for community packages', () => {
			const installedPkg = path.join(home, '.n8n', 'nodes', 'node_modules', manifest.packageName, 'package.json');
			assert.ok(fs.existsSync(installedPkg), `${installedPkg} missing`);
			assert.equal(JSON.parse(fs.readFileSync(installedPkg, 'utf8')).version, manifest.version);
		});

		n8n = new N8nInstance({ line, userFolder: home, port: await freePort(), brokerPort: await freePort() });
		await t.step(`n8n ${line.version} starts with N8N_USER_FOLDER=<temp> and answers /healthz/readiness`, async () => {
			n8n.start();
			await n8n.waitReady();
		});
		await t.step('POST /rest/owner/setup gives a session', () => n8n.setupOwner());

		const nodeTypes = await t.step('GET /types/nodes.json', () => n8n.rest('GET', '/types/nodes.json'));
		const credentialTypes = await t.step('GET /types/credentials.json', () => n8n.rest('GET', '/types/credentials.json'));
		const ours = manifest.nodes.flatMap((node) => [node.type, ...(node.usableAsTool ? [`${node.type}Tool`] : [])]);
		await t.check(`n8n loaded ${ours.join(', ')}`, () => {
			const listed = new Set(nodeTypes.map((n) => n.name));
			assert.ok(manifest.nodes.length >= 2, `package.json lists ${manifest.nodes.length} node(s)`);
			const missing = ours.filter((type) => !listed.has(type));
			assert.deepEqual(missing, [], `not loaded: ${missing.join(', ')}`);
		});
		await t.check(`n8n loaded the credential ${manifest.credentials.map((c) => c.name).join(', ')}, used by the nodes`, () => {
			assert.ok(manifest.credentials.length >= 1, 'package.json lists no credential');
			for (const cred of manifest.credentials) {
				const served = credentialTypes.find((c) => c.name === cred.name);
				assert.ok(served, `${cred.name} not in /types/credentials.json`);
				for (const node of manifest.nodes.filter((n) => n.credentials.includes(cred.name))) {
					assert.ok(served.supportedNodes?.includes(node.type), `${node.type} not in supportedNodes of ${cred.name}`);
				}
			}
		});
		await t.check('n8n serves every icon of the nodes and the credential', async () => {
			const served = [
				...nodeTypes.filter((n) => manifest.nodes.some((m) => m.type === n.name)),
				...credentialTypes.filter((c) => manifest.credentials.some((m) => m.name === c.name)),
			];
			const urls = [...new Set(served.flatMap((d) => (typeof d.iconUrl === 'string' ? [d.iconUrl] : Object.values(d.iconUrl ?? {}))))];
			assert.ok(urls.length >= served.length, `icon URLs: ${JSON.stringify(urls)}`);
			for (const url of urls) {
				const r = await request('GET', `${n8n.url}/${url.replace(/^\//, '')}`, { cookie: n8n.cookie, headers: { accept: '*/*' } });
				assert.equal(r.status, 200, `GET ${url} -> ${r.status}`);
				assert.ok(r.text.includes('<svg'), `GET ${url} is not an SVG`);
			}
		});
		await t.check('Settings > Community Nodes does not list it (n8n did not install it), as docs/docker/README.md says', async () => {
			const body = await n8n.rest('GET', '/rest/community-packages');
			assert.ok(Array.isArray(body.data), `GET /rest/community-packages: ${JSON.stringify(body).slice(0, 300)}`);
			assert.deepEqual(body.data.map((p) => p.packageName).filter((name) => name === manifest.packageName), []);
		});
		await t.check('n8n logged no error loading the package', () => {
			const log = fs.readFileSync(n8n.logFile, 'utf8');
			const bad = log.split('\n').filter((l) => /portalduct/i.test(l) && /error|fail|invalid|missing/i.test(l));
			assert.deepEqual(bad, []);
		});
	} catch (error) {
		if (!(error instanceof StepFailed)) {
			t.failed++;
			console.log(`FAIL ${t.prefix} unexpected: ${error?.stack ?? error}`);
		}
	} finally {
		if (n8n?.server) {
			const pid = n8n.server.pid;
			await t.check(`n8n (pid ${pid}) stops on SIGTERM`, async () => {
				const exit = await n8n.stop();
				assert.equal(exit.forced, false, 'needed SIGKILL');
			});
		}
		if (manifest.netns) await reapNamespace();
	}
	console.log(`RECIPE_RESULT ${JSON.stringify(t.totals())}`);
}

/** n8n 2.x's task runner can outlive n8n briefly; in our own namespace everything left is ours. */
async function reapNamespace() {
	const gone = await waitFor(() => otherPidsInMyNetns().length === 0, { timeoutMs: 10_000, intervalMs: 500 });
	if (gone) return;
	for (const pid of otherPidsInMyNetns()) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			// exited meanwhile
		}
	}
}

(flag('inner') ? inner() : outer()).then(
	() => process.exit(), // keeps the exit code set above
	(error) => {
		console.error(error);
		console.log('0 passed, 1 failed');
		process.exit(1);
	},
);
