import { register } from '../../transport/registration';
import { readUrl } from '../../validation';
import { defineAction } from '../types';

export const registerWebhook = defineAction({
	resource: 'webhook',
	writes: true,
	operation: {
		name: 'Register',
		value: 'register',
		action: 'Register portal login webhook',
		description:
			'Tell PortalDuct where to send portal-login status changes (pending, success, failure). PortalDuct keeps one URL per account, so this replaces the current one, including a PortalDuct Trigger\'s.',
	},
	fields: [
		{
			displayName: 'URL',
			name: 'url',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. https://example.com/portalduct-events',
			description: 'The address PortalDuct POSTs each status change to',
		},
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Optional shared secret PortalDuct signs deliveries with',
		},
	],
	read(itemIndex) {
		const secret = this.getNodeParameter('secret', itemIndex, '') as string;
		return { url: readUrl(this, 'url', 'URL', itemIndex), secret: secret || undefined };
	},
	async execute(input, itemIndex, run) {
		const registration = await register(run, input.url, input.secret, itemIndex);
		return { registered: true, ...registration, signed: Boolean(input.secret) };
	},
});
