#!/usr/bin/env node
'use strict';
// `npm start`: this package inside a real n8n editor, against the local PortalDuct sandbox.
// Installs the pinned n8n once (cached outside the repo), packs the package and installs it the
// way n8n's community installer does, imports the sandbox credential and the examples, activates
// the status trigger, starts n8n and says what to open. Ctrl-C stops everything.
//
//   npm start [-- --line 1|2] [--port 5678] [--sandbox-port 8787]
//
// startEditor() is the same without the printing and the waiting, for test/tools/screenshots.
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const { installed, CACHE, LINES } = require('../../e2e/lib/lines');
const { N8nInstance } = require('../../e2e/lib/n8n');
const { buildAndPack } = require('../../e2e/lib/pack');
const { startSandbox } = require('../../e2e/lib/sandbox');
const { examples, prepare, workflowId, CREDENTIAL_TYPE } = require('../../e2e/lib/workflows');

const REPO = path.join(__dirname, '..', '..', '..');
const option = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : fallback;
};
const CREDENTIAL = { id: 'PortalDuctSandbx', name: 'PortalDuct sandbox' };
/** The editor's owner account npm start creates (n8n asks for a name, an email and a password). */
const DEMO_USER = { email: 'demo@portalduct.test', firstName: 'PortalDuct', lastName: 'Demo', password: 'PortalDuct-demo-1' };
const NORTHWIND = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'; // the client examples/onboarding.json creates

/**
 * The wished port when free, else any free one (a second `npm start`, another n8n...); a port
 * given up is said in one line: which, what probably holds it, the option that picks another.
 */
async function port(wished, { what, holder, option }, log) {
	const tryPort = (p) =>
		new Promise((resolve) => {
			const server = net.createServer();
			server.once('error', () => resolve(undefined));
			server.listen(p, '127.0.0.1', () => {
				const { port: got } = server.address();
				server.close(() => resolve(got));
			});
		});
	const got = (await tryPort(wished)) ?? (await tryPort(0));
	const instead = option ? `; ${option} N picks another` : '';
	if (wished !== 0 && got !== wished) log(`Port ${wished} is taken (probably ${holder}): ${what} uses ${got} instead${instead}.`);
	return got;
}

function ensureInstalled(lineNo, log) {
	if (installed(lineNo)) return installed(lineNo);
	const { version } = LINES[lineNo];
	log(
		`n8n ${version} is not in ${CACHE} yet: installing it once (${lineNo === 2 ? 'about 5 minutes, 3 GB' : 'about 3 minutes, 1.8 GB'}).`,
	);
	// install-n8n.sh says when it waits for another install of the same version to finish.
	const result = spawnSync('bash', [path.join(REPO, 'test', 'e2e', 'install-n8n.sh'), String(lineNo)], {
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	if (result.status !== 0 || !installed(lineNo)) throw new Error(`installing n8n ${version} failed`);
	return installed(lineNo);
}

/** The options of `npm start` that choose its ports, named when a default port is taken. */
const NPM_START_PORT_OPTIONS = { n8n: 'npm start -- --port', sandbox: 'npm start -- --sandbox-port' };

/**
 * Installs (once) and starts n8n of the given line with this package, the sandbox credential and
 * the example workflows, and the editor's owner set up. Returns what was started and stop(), which
 * stops n8n (by its pid) and the sandbox and removes the temp folder; on a failure it stops them
 * itself before throwing. onStop receives stop() at once, for a Ctrl-C while it is still starting.
 */
async function startEditor({ lineNo = 2, n8nPort = 5678, sandboxPort = 8787, portOptions = NPM_START_PORT_OPTIONS, log = console.log, onStop } = {}) {
	if (!LINES[lineNo]) throw new Error(`--line must be one of ${Object.keys(LINES).join(', ')}`);
	const line = ensureInstalled(lineNo, log);
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'portalduct-start-'));
	let sandbox;
	let n8n;
	let stopped;
	const stop = () =>
		(stopped ??= (async () => {
			await n8n?.stop().catch(() => undefined);
			await sandbox?.close().catch(() => undefined);
			fs.rmSync(work, { recursive: true, force: true });
		})());
	onStop?.(stop);
	try {
		log('Packing the package (as published)...');
		const pack = await buildAndPack({ repo: REPO, workDir: work, useDist: true });
		if (!pack.sandboxModule) throw new Error('no compiled sandbox in test-build/: run `npm run build:test` (npm start does)');
		const sandboxAt = await port(sandboxPort, { what: 'the sandbox', holder: 'another sandbox: `npm run sandbox` or `npm start`', option: portOptions.sandbox }, log);
		sandbox = await startSandbox(pack.sandboxModule, { port: sandboxAt });
		const n8nAt = await port(n8nPort, { what: 'n8n', holder: 'another n8n or `npm start`', option: portOptions.n8n }, log);
		n8n = new N8nInstance({ line, userFolder: path.join(work, 'n8n'), port: n8nAt, brokerPort: await port(0, {}, log) });
		fs.mkdirSync(n8n.userFolder, { recursive: true });

		log(`Installing ${path.basename(pack.tarball)} into n8n ${line.version}...`);
		await n8n.installPackage(pack.tarball);
		await n8n.importCredentials([
			{ ...CREDENTIAL, type: CREDENTIAL_TYPE, data: { baseUrl: sandbox.url, ...sandbox.login } },
		]);
		const workflows = examples(REPO).map(({ source, json }) =>
			prepare(json, { id: workflowId(path.basename(source, '.json')), credential: CREDENTIAL, sandboxUrl: sandbox.url }),
		);
		log(`Importing ${workflows.length} example workflows...`);
		await n8n.importWorkflows(workflows);
		// PortalDuct keeps one webhook URL per account, so only one trigger workflow can be active:
		// the status alerts (the others would displace each other's registration).
		const withTrigger = workflows.filter((wf) => wf.nodes.some((n) => n.type === 'n8n-nodes-portalduct.portalDuctTrigger'));
		const triggered = [withTrigger.find((wf) => wf.id === workflowId('status-alerts')) ?? withTrigger[0]].filter(Boolean);
		for (const wf of triggered) await n8n.activate(wf.id);

		log(`Starting n8n ${line.version}...`);
		n8n.start();
		await n8n.waitReady();
		await n8n.setupOwner(DEMO_USER);
		return { line, n8n, sandbox, workflows, triggered, credential: CREDENTIAL, user: DEMO_USER, stop };
	} catch (error) {
		if (n8n) error.message += `\n${n8n.logTail(20)}`;
		await stop();
		throw error;
	}
}

async function main() {
	const started = Date.now();
	let stopEditor;
	let stopping = false;
	const stop = async (code) => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the sandbox...');
		await stopEditor?.();
		process.exit(code);
	};
	for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stop(0));

	try {
		const editor = await startEditor({
			lineNo: Number(option('line', '2')),
			n8nPort: Number(option('port', '5678')),
			sandboxPort: Number(option('sandbox-port', '8787')),
			onStop: (fn) => (stopEditor = fn),
		});
		const { line, n8n, sandbox, workflows, triggered, user } = editor;
		// Step 2 needs the client examples/onboarding.json creates (NORTHWIND): name that workflow.
		const onboardingName = require(path.join(REPO, 'examples', 'onboarding.json')).name;
		console.log(`
n8n ${line.version} with n8n-nodes-portalduct is ready (${Math.round((Date.now() - started) / 1000)} s).

  Open       ${n8n.url}
  Log in     ${user.email} / ${user.password}

  PortalDuct sandbox   ${sandbox.url}  (credential "${CREDENTIAL.name}" is set up)
  Workflows            ${workflows.map((wf) => `"${wf.name}"`).join(', ')}
  ${line.version.startsWith('1.') ? 'Active   ' : 'Published'}            ${triggered.map((wf) => `"${wf.name}"`).join(', ') || '(none)'}

  Try it:
  1. Open "${onboardingName}" and click "Execute workflow".
  2. After step 1 created the client, be the client: ${sandbox.url}/collector?clientUUID=${NORTHWIND}
     (a password containing "wrong" fails the portal login), then see the executions of the
     status workflow in n8n.
  3. Run the invoice sync example to pull the invoices that connection brought in.

Ctrl-C stops n8n and the sandbox.`);
		await new Promise(() => undefined); // until a signal
	} catch (error) {
		console.error(`npm start failed: ${error.message}`);
		await stop(1);
	}
}

module.exports = { startEditor, DEMO_USER, CREDENTIAL };

if (require.main === module) void main();
