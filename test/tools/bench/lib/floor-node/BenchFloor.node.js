'use strict';
// The floor of any n8n node that calls an HTTP API per item: nothing but
// `this.helpers.httpRequest` with a Bearer token fixed in its parameters (no credential, no
// renewal, no retries, no validation), `concurrency` requests in flight. The benchmark loads it
// from n8n's custom folder beside the package, so "what n8n itself costs per request" is measured
// in the same run as our node. Not shipped: it skips everything a real node must do.
class BenchFloor {
	constructor() {
		this.description = {
			displayName: 'Bench Floor',
			name: 'benchFloor',
			group: ['transform'],
			version: 1,
			description: 'Benchmark only: GET <baseUrl>/v1/getClientBalance/<clientUUID> per item with a fixed token',
			defaults: { name: 'Bench Floor' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [
				{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
				{ displayName: 'Token', name: 'token', type: 'string', default: '' },
				{ displayName: 'Client UUID', name: 'clientUUID', type: 'string', default: '' },
				{ displayName: 'Concurrency', name: 'concurrency', type: 'number', default: 1 },
			],
		};
	}

	async execute() {
		const items = this.getInputData();
		const baseUrl = this.getNodeParameter('baseUrl', 0);
		const token = this.getNodeParameter('token', 0);
		const concurrency = Math.max(1, this.getNodeParameter('concurrency', 0));
		const out = new Array(items.length);
		let next = 0;
		const lane = async () => {
			while (next < items.length) {
				const i = next++;
				const clientUUID = this.getNodeParameter('clientUUID', i);
				const json = await this.helpers.httpRequest({
					method: 'GET',
					url: `${baseUrl}/v1/getClientBalance/${clientUUID}`,
					headers: { Authorization: `Bearer ${token}` },
					json: true,
				});
				out[i] = { json, pairedItem: { item: i } };
			}
		};
		await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
		return [out];
	}
}

module.exports = { BenchFloor };
