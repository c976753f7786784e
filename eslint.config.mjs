// n8n's community-node rules (what n8n Cloud verification applies) over the shipped code and package.json.
import { configs } from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';
import * as jsoncParser from 'jsonc-eslint-parser';

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', '**/*.js', '**/*.mjs'] },
	{ files: ['nodes/**/*.ts', 'credentials/**/*.ts'], languageOptions: { parser: tsParser } },
	{ files: ['package.json'], languageOptions: { parser: jsoncParser } },
	{ ...configs.recommended, files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'] },
];
