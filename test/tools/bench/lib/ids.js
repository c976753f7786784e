'use strict';
// Ids the benchmark seeds into the sandbox. Balance reads go to deterministic client ids, so the
// Code node that makes n8n's input items can build the same ones.
const CLIENT_PREFIX = 'b0000000-0000-4000-8000-';
const clientUuid = (n) => `${CLIENT_PREFIX}${String(n).padStart(12, '0')}`;

module.exports = {
	CLIENT_PREFIX,
	clientUuid,
	CUSTOMER: 'a0000000-0000-4000-8000-000000000001',
	/** The client whose one connection holds the Return All invoices (not among the balance reads). */
	INVOICE_CLIENT: 'c0000000-0000-4000-8000-000000000001',
	INVOICE_CONNECTION: 'd0000000-0000-4000-8000-000000000001',
};
