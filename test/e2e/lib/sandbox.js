'use strict';
// The project's PortalDuct sandbox, started from the private build, and driven over its HTTP
// control endpoints (/_sandbox/...) exactly as a process that did not start it would.
const { request, requestOk } = require('./http');

/** Starts the sandbox in this process (inside the runner's network namespace) on a free port. */
async function startSandbox(modulePath, options = {}) {
	const { startSandbox: start, DEFAULT_EMAIL, DEFAULT_PASSWORD } = require(modulePath);
	const sandbox = await start({ port: 0, host: '127.0.0.1', ...options });
	return {
		url: sandbox.url,
		login: sandbox.login ?? { email: DEFAULT_EMAIL, password: DEFAULT_PASSWORD },
		close: () => sandbox.close(),
		/**
		 * Marks the first `count` open invoices of a connection paid (as the portal would report
		 * after payment); returns their invoice numbers.
		 */
		markPaid: (connectionUuid, count) => {
			const open = (sandbox.state.invoices.get(connectionUuid) ?? []).filter((i) => i.status !== 'paid').slice(0, count);
			for (const invoice of open) Object.assign(invoice, { status: 'paid', paidDate: new Date().toISOString().slice(0, 10) });
			return open.map((i) => i.invoiceNumber);
		},
		/** A copy of the invoices PortalDuct collected from one connection, oldest first. */
		invoicesOf: (connectionUuid) => (sandbox.state.invoices.get(connectionUuid) ?? []).map((i) => ({ ...i })),
		/** The signing secret of the current registration (known to PortalDuct and the trigger only). */
		registrationSecret: () => sandbox.state.registration?.secret,
		client: new SandboxClient(sandbox.url),
	};
}

class SandboxClient {
	constructor(url) {
		this.url = url;
	}

	call(method, path, body) {
		return requestOk(method, `${this.url}${path}`, { body });
	}

	/** {logins, refreshes, requestsTotal, requests, unauthorized, deliveries, registrations, ...} */
	stats() {
		return this.call('GET', '/_sandbox/stats');
	}

	revokeTokens() {
		return this.call('POST', '/_sandbox/revoke-tokens');
	}

	/** The current webhook registration ({webhookId, url, ...}) or null. */
	registration() {
		return this.call('GET', '/_sandbox/registration');
	}

	/** Plays the Client submitting portal credentials (Step 4); a password with "wrong" fails. */
	portalCredentials({ clientUUID, portalName, username, password }) {
		return this.call('POST', '/_sandbox/portal-credentials', { clientUUID, portalName, username, password });
	}

	/** Readable dump: customers, clients, connections (with invoice counts), registration. */
	state() {
		return this.call('GET', '/_sandbox/state');
	}

	deliveries() {
		return this.call('GET', '/_sandbox/deliveries');
	}

	/** The public API with a fresh login, for setup the workflows under test do not do themselves. */
	async api(method, path, body, login) {
		const { token } = await this.call('POST', '/v1/login', login);
		return request(method, `${this.url}${path}`, { body, headers: { authorization: `Bearer ${token}` } });
	}
}

module.exports = { startSandbox, SandboxClient };
