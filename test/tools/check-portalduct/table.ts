/** The check's report as a plain-text table (what people paste into an issue) or JSON. */
import type { CheckReport } from './check';

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - text.length));

/** Wraps `text` to lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		if (line && line.length + 1 + word.length > width) {
			lines.push(line);
			line = word;
		} else line = line ? `${line} ${word}` : word;
	}
	if (line || lines.length === 0) lines.push(line);
	return lines;
}

export function formatTable(report: CheckReport, packageVersion?: string): string {
	const rows = report.results.map((r) => ({
		fact: r.id,
		outcome: r.outcome,
		detail: r.detail ?? '',
		copes: r.outcome === 'differed' ? `${r.copes}${r.copesNote ? `: ${r.copesNote}` : ''}` : '',
	}));
	const w = {
		fact: Math.max(4, ...rows.map((r) => r.fact.length)),
		outcome: Math.max(6, ...rows.map((r) => r.outcome.length)),
		detail: 60,
	};
	const out: string[] = [];
	out.push(
		`PortalDuct check of ${report.target}${packageVersion ? ` with n8n-nodes-portalduct ${packageVersion}` : ''}` +
			` (${report.write ? 'with --write' : 'read-only'})`,
	);
	if (report.stopped) out.push(`Stopped: ${report.stopped}`);
	out.push('');
	out.push(`${pad('fact', w.fact)}  ${pad('result', w.outcome)}  ${pad('what came / why not tried', w.detail)}  package copes`);
	out.push(`${'-'.repeat(w.fact)}  ${'-'.repeat(w.outcome)}  ${'-'.repeat(w.detail)}  ${'-'.repeat(13)}`);
	for (const row of rows) {
		const details = wrap(row.detail, w.detail);
		const copes = wrap(row.copes, 40);
		const height = Math.max(details.length, copes.length);
		for (let i = 0; i < height; i++) {
			const first = i === 0;
			out.push(
				`${pad(first ? row.fact : '', w.fact)}  ${pad(first ? row.outcome : '', w.outcome)}  ${pad(details[i] ?? '', w.detail)}  ${copes[i] ?? ''}`.trimEnd(),
			);
		}
	}
	const count = (o: string) => report.results.filter((r) => r.outcome === o).length;
	out.push('');
	out.push(`${count('held')} held, ${count('differed')} differed, ${count('not tried')} not tried.`);
	if (report.exitCode === 1) {
		out.push('Something differed: please send this table to the maintainers (it holds no password, token or account data).');
	}
	out.push('Each fact is as docs/openapi.yaml and the README section "What is assumed about PortalDuct" state it; the README section "When your PortalDuct differs" says what the package tolerates.');
	return out.join('\n');
}

export function formatJson(report: CheckReport, packageVersion?: string): string {
	return JSON.stringify({ package: packageVersion, ...report }, null, 2);
}
