/**
 * `npm run demo`: the package's main job in seconds, with no account and no n8n install.
 * A local PortalDuct sandbox, n8n-core's real engine, and the example workflows as a user would
 * import them: onboard a customer and two clients, watch their portal logins, pull invoices.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { createHarness, type WorkflowJson } from '../harness';
import { startSandbox } from '../sandbox';

const root = join(__dirname, '..', '..', '..');
const example = (name: string) =>
	JSON.parse(readFileSync(join(root, 'examples', name), 'utf8')) as WorkflowJson;

/**
 * The workflow up to its last PortalDuct node: the harness knows only our nodes and a manual
 * trigger, not n8n's Edit Fields, Summarize or Convert to File that follow them in the example.
 */
function portalDuctSteps(workflow: WorkflowJson): WorkflowJson {
	const kept = new Set(
		workflow.nodes
			.filter((n) => /^n8n-nodes-portalduct\.|^n8n-nodes-base\.manualTrigger$/.test(String(n.type)))
			.map((n) => String(n.name)),
	);
	const connections = JSON.parse(JSON.stringify(workflow.connections)) as Record<string, { main: Array<Array<{ node: string }>> }>;
	for (const name of Object.keys(connections)) {
		if (!kept.has(name)) delete connections[name];
		else connections[name].main = connections[name].main.map((targets) => targets.filter((c) => kept.has(c.node)));
	}
	return { ...workflow, nodes: workflow.nodes.filter((n) => kept.has(String(n.name))), connections };
}

/** Stands in for whatever the webhook would reach (in n8n, the PortalDuct Trigger). */
async function eventPrinter(): Promise<{ url: string; server: Server }> {
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			const event = JSON.parse(body) as IDataObject;
			const retry = event.retryRequired ? '  -> ask the client to retry' : '';
			console.log(`    webhook: ${event.portalName} ${event.status} for client ${event.clientUUID}${retry}`);
			res.writeHead(200).end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/portalduct-status`, server };
}

function show(title: string, rows: IDataObject[], pick: (row: IDataObject) => string): void {
	console.log(`  ${title}: ${rows.length} item${rows.length === 1 ? '' : 's'}`);
	for (const row of rows.slice(0, 4)) console.log(`    ${pick(row)}`);
	if (rows.length > 4) console.log(`    ... and ${rows.length - 4} more`);
}

async function main(): Promise<void> {
	const sandbox = await startSandbox({ connectionDecisionDelayMs: 300, invoicesOnSuccess: 12 });
	const printer = await eventPrinter();
	const harness = await createHarness();
	try {
		harness.credentials.set('PortalDuctSandbx', 'portalDuctApi', {
			baseUrl: sandbox.url,
			email: sandbox.login.email,
			password: sandbox.login.password,
		});
		console.log(`PortalDuct sandbox at ${sandbox.url} (login ${sandbox.login.email})\n`);

		console.log('1. examples/onboarding.json');
		const onboarding = example('onboarding.json');
		// Off in the example (a PortalDuct Trigger would be displaced by it); the demo has no trigger.
		const register = onboarding.nodes.find((n) => n.name === 'Register status webhook')!;
		(register.parameters as IDataObject).url = printer.url;
		register.disabled = false;
		const onboarded = await harness.run(onboarding);
		if (onboarded.error) throw onboarded.error;
		show('Create customer', onboarded.json('Create customer'), (c) => `${c.customerUUID} ${c.name} (created: ${c.created})`);
		for (const name of ['Create client Northwind', 'Create client Contoso']) {
			show(name, onboarded.json(name), (c) => `${c.clientUUID} ${c.name} of customer ${c.customerUUID}`);
		}
		show('Register status webhook', onboarded.json('Register status webhook'), (r) => `${r.url}`);
		show('Get Northwind balance', onboarded.json('Get Northwind balance'), (b) => `outstanding ${b.totalOutstanding} ${b.currency}, ${(b.byPortal as unknown[]).length} portal connections`);

		console.log('\n2. The clients connect their portals (Step 4, played by the sandbox)');
		const [northwind, contoso] = ['Create client Northwind', 'Create client Contoso'].map((n) => onboarded.json(n)[0].clientUUID as string);
		await sandbox.control.submitPortalCredentials({ clientUUID: northwind, portalName: 'Ariba', username: 'ap@northwind', password: 'correct horse' });
		await sandbox.control.submitPortalCredentials({ clientUUID: contoso, portalName: 'Coupa', username: 'finance@contoso', password: 'wrong-password' });
		await sandbox.control.waitForDeliveries(4, 10_000);

		console.log('\n3. examples/invoice-sync.json (its PortalDuct steps; the table, totals and CSV steps need n8n: npm start)');
		const synced = await harness.run(portalDuctSteps(example('invoice-sync.json')));
		if (synced.error) throw synced.error;
		show('Connections of Northwind', synced.json('Connections of Northwind'), (c) => `${c.portalName} ${c.connection_uuid}: outstanding ${c.outstanding}, overdue ${c.overdue}`);
		const invoices = synced.json('Invoices of each connection');
		show('Invoices of each connection', invoices, (i) => `${i.invoiceNumber} PO ${i.poNumber} ${i.amount} ${i.currency} ${i.status} due ${i.dueDate}`);
		const total = invoices.reduce((sum, i) => sum + Number(i.amount), 0);
		console.log(`    total invoiced: ${total.toFixed(2)}`);

		const stats = sandbox.control.stats();
		console.log(`\nTwo workflow runs, ${stats.requestsTotal} PortalDuct requests, ${stats.logins} login, ${stats.refreshes} refreshes.`);
	} finally {
		await harness.close();
		printer.server.close();
		await sandbox.close();
	}
}

main().catch((error: Error) => {
	console.error(`Demo failed: ${error.message}`);
	process.exitCode = 1;
});
