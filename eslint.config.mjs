// n8n-node's default lint rules (`config` of @n8n/node-cli/eslint: what `n8n-node lint` applies,
// with n8n's community-node and Cloud rules) over the shipped code and package.json. Not n8n-node's
// strict mode: that config file, as is, would lint the tests with n8n Cloud rules (CONTRIBUTING.md).
import { config } from '@n8n/node-cli/eslint';
import { globalIgnores } from 'eslint/config';

export default [
	globalIgnores(['dist/', 'node_modules/', 'test/', 'test-build/', 'docs/', 'examples/', '**/*.js', '**/*.mjs']),
	...config,
];
