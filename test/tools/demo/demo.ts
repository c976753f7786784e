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

import { createHarness, type WorkflowJson } from '../../harness';
import { startSandbox, type InvoiceStatus, type Sandbox } from '../sandbox';

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

const DAY_MS = 86_400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const amountFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** "USD 1,234.50" */
const money = (currency: unknown, amount: unknown) => `${String(currency)} ${amountFormat.format(Number(amount))}`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The sandbox dates the invoices it seeds from 2023-01-01 on (fixed, for its tests). The demo
 * moves them to the last ten weeks, one every 6 days up to 3 days ago, and gives each the status
 * its due date (30 days after the invoice date) allows: past due ones paid (14 to 22 days after
 * the invoice date) or overdue, the others open or disputed.
 */
function dateInvoicesUpToToday(sandbox: Sandbox): void {
	const now = new Date();
	const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
	for (const invoices of sandbox.state.invoices.values()) {
		invoices.forEach((invoice, i) => {
			const dated = today - (3 + (invoices.length - 1 - i) * 6) * DAY_MS;
			const due = dated + 30 * DAY_MS;
			const status: InvoiceStatus = due >= today ? (i % 5 === 4 ? 'disputed' : 'open') : i % 3 === 1 ? 'overdue' : 'paid';
			Object.assign(invoice, { invoiceDate: isoDate(dated), dueDate: isoDate(due), status });
			if (status === 'paid') invoice.paidDate = isoDate(dated + (14 + (i % 9)) * DAY_MS);
			else delete invoice.paidDate;
		});
	}
}

/** Stands in for whatever the webhook would reach (in n8n, the PortalDuct Trigger). */
async function eventPrinter(clientName: (uuid: unknown) => string): Promise<{ url: string; server: Server }> {
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			const event = JSON.parse(body) as IDataObject;
			const at = String(event.occurredAt ?? '').replace('T', ' ').slice(0, 19);
			const retry = event.retryRequired ? '  -> ask the client to enter its portal login again' : '';
			console.log(`    ${at} UTC  ${clientName(event.clientUUID)}: ${event.portalName} login ${event.status}${retry}`);
			res.writeHead(200).end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/portalduct-status`, server };
}

function show(title: string, rows: IDataObject[], pick: (row: IDataObject) => string, max = 4): void {
	console.log(`  ${title}: ${plural(rows.length, 'item')}`);
	for (const row of rows.slice(0, max)) console.log(`    ${pick(row)}`);
	if (rows.length > max) console.log(`    ... and ${rows.length - max} more`);
}

/** Sums per currency and status, as the example's Totals table does in n8n. */
function totals(invoices: IDataObject[]): Array<{ currency: string; status: string; count: number; cents: number }> {
	const byKey = new Map<string, { currency: string; status: string; count: number; cents: number }>();
	for (const i of invoices) {
		const key = `${i.currency} ${i.status}`;
		const row = byKey.get(key) ?? { currency: String(i.currency), status: String(i.status), count: 0, cents: 0 };
		row.count++;
		row.cents += Math.round(Number(i.amount) * 100);
		byKey.set(key, row);
	}
	const order = ['open', 'overdue', 'disputed', 'paid'];
	return [...byKey.values()].sort((a, b) => a.currency.localeCompare(b.currency) || order.indexOf(a.status) - order.indexOf(b.status));
}

async function main(): Promise<void> {
	const sandbox = await startSandbox({ connectionDecisionDelayMs: 300, invoicesOnSuccess: 12 });
	// Client and customer names by id, from what the onboarding run created.
	const names = new Map<string, string>();
	const nameOf = (uuid: unknown) => {
		const name = names.get(String(uuid).toLowerCase());
		return name ? `${name} (${uuid})` : String(uuid);
	};
	const printer = await eventPrinter((uuid) => names.get(String(uuid).toLowerCase()) ?? String(uuid));
	const harness = await createHarness();
	try {
		harness.credentials.set('PortalDuctSandbx', 'portalDuctApi', {
			baseUrl: sandbox.url,
			email: sandbox.login.email,
			password: sandbox.login.password,
		});
		console.log(`PortalDuct sandbox at ${sandbox.url} (login ${sandbox.login.email}), today ${isoDate(Date.now())}\n`);

		console.log('1. Onboarding: examples/onboarding.json');
		const onboarding = example('onboarding.json');
		// Off in the example (a PortalDuct Trigger would be displaced by it); the demo has no trigger.
		const register = onboarding.nodes.find((n) => n.name === 'Register status webhook')!;
		(register.parameters as IDataObject).url = printer.url;
		register.disabled = false;
		const onboarded = await harness.run(onboarding);
		if (onboarded.error) throw onboarded.error;
		const clientSteps = ['Create client Northwind', 'Create client Contoso'];
		for (const c of [...onboarded.json('Create customer'), ...clientSteps.flatMap((s) => onboarded.json(s))]) {
			names.set(String(c.clientUUID ?? c.customerUUID).toLowerCase(), String(c.name));
		}
		show('Create customer', onboarded.json('Create customer'), (c) => `${c.name} (${c.customerUUID}): ${c.created ? 'created' : 'already there'}`);
		for (const step of clientSteps) {
			show(step, onboarded.json(step), (c) => `${c.name} (${c.clientUUID}), client of ${names.get(String(c.customerUUID).toLowerCase())}: ${c.created ? 'created' : 'already there'}`);
		}
		show('Register status webhook', onboarded.json('Register status webhook'), (r) => `portal login changes are sent to ${r.url}`);
		show('Get Northwind balance', onboarded.json('Get Northwind balance'), (b) => {
			const portals = (b.byPortal as unknown[]).length;
			return `${nameOf(b.clientUUID)}: outstanding ${money(b.currency, b.totalOutstanding)}, ${portals ? plural(portals, 'portal connection') : 'no portal connected yet'}`;
		});

		console.log("\n2. The clients connect their procurement portals (each enters its portal login in PortalDuct's");
		console.log('   Client Credentials Collector; here the sandbox plays the clients). Status webhooks received:');
		const [northwind, contoso] = clientSteps.map((n) => onboarded.json(n)[0].clientUUID as string);
		await sandbox.control.submitPortalCredentials({ clientUUID: northwind, portalName: 'Ariba', username: 'ap@northwind', password: 'correct horse' });
		await sandbox.control.submitPortalCredentials({ clientUUID: contoso, portalName: 'Coupa', username: 'finance@contoso', password: 'wrong-password' });
		await sandbox.control.waitForDeliveries(4, 10_000);
		dateInvoicesUpToToday(sandbox);

		console.log('\n3. Invoice sync: examples/invoice-sync.json, its PortalDuct steps (the table, totals and CSV');
		console.log('   steps are n8n nodes: see them in npm start; the totals below are worked out by the demo)');
		const synced = await harness.run(portalDuctSteps(example('invoice-sync.json')));
		if (synced.error) throw synced.error;
		const connections = synced.json('Connections of Northwind');
		show('Connections of Northwind', connections, (c) =>
			`${nameOf(c.clientUUID)} on ${c.portalName}, connection ${c.connection_uuid}\n` +
			`      outstanding ${money(c.currency, c.outstanding)}, of which overdue ${money(c.currency, c.overdue)}`,
		);
		const invoices = synced.json('Invoices of each connection');
		const client = names.get(String(connections[0]?.clientUUID).toLowerCase()) ?? '';
		const portals = [...new Set(invoices.map((i) => String(i.portalName)))].join(', ');
		const newestFirst = [...invoices].sort((a, b) => String(b.invoiceDate).localeCompare(String(a.invoiceDate)));
		show(`Invoices of each connection (${client} on ${portals}, newest first)`, newestFirst, (i) =>
			[
				String(i.invoiceNumber),
				String(i.poNumber),
				money(i.currency, i.amount).padStart(12),
				String(i.status).padEnd(8),
				`issued ${i.invoiceDate}  due ${i.dueDate}${i.paidDate ? `  paid ${i.paidDate}` : ''}`,
			].join('  '),
		12);
		console.log('  Totals by currency and status:');
		for (const t of totals(invoices)) {
			console.log(`    ${t.status.padEnd(8)}  ${plural(t.count, 'invoice').padEnd(11)}  ${money(t.currency, t.cents / 100).padStart(13)}`);
		}

		// The balance PortalDuct reports must be what the invoices add up to.
		const unpaid = invoices.filter((i) => i.status !== 'paid');
		const cents = (rows: IDataObject[]) => rows.reduce((sum, i) => sum + Math.round(Number(i.amount) * 100), 0);
		const outstanding = connections.reduce((sum, c) => sum + Math.round(Number(c.outstanding) * 100), 0);
		const overdue = connections.reduce((sum, c) => sum + Math.round(Number(c.overdue) * 100), 0);
		if (cents(unpaid) !== outstanding || cents(unpaid.filter((i) => i.status === 'overdue')) !== overdue) {
			throw new Error(`the balance (outstanding ${outstanding / 100}, overdue ${overdue / 100}) does not match the invoices`);
		}

		const stats = sandbox.control.stats();
		console.log(
			`\nTwo workflow runs, ${plural(stats.requestsTotal, 'PortalDuct request')}, ${plural(stats.logins, 'login')}, ${stats.refreshes} token ${stats.refreshes === 1 ? 'refresh' : 'refreshes'}.`,
		);
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
