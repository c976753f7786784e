import { NodeOperationError } from 'n8n-workflow';

import { notServedWords, removeRegistration } from '../../transport/registration';
import { defineAction } from '../types';

export const removeWebhook = defineAction({
	resource: 'webhook',
	writes: true,
	operation: {
		name: 'Remove',
		value: 'remove',
		action: 'Remove portal login webhook',
		description:
			'Stop PortalDuct sending portal-login status changes. Also stops a PortalDuct Trigger that registered it.',
	},
	fields: [],
	read() {
		return {};
	},
	async execute(_input, itemIndex, run) {
		const removal = await removeRegistration(run, itemIndex);
		if (removal.kind === 'notServed') {
			throw new NodeOperationError(this.getNode(), `${notServedWords('DELETE', removal)}, so Webhook > Remove cannot stop its portal login changes`, {
				itemIndex,
				description:
					'PortalDuct keeps sending them to the registered URL. Register (POST) another URL to replace it, e.g. one that answers 2xx and does nothing, or ask PortalDuct to remove it.',
			});
		}
		// n8n's shape for a delete: `deleted`; `removed` (the same) kept for workflows that read it.
		const deleted = removal.kind === 'removed';
		return { deleted, removed: deleted, ...(deleted ? {} : { reason: 'No webhook was registered' }) };
	},
});
