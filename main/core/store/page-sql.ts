/**
 * A JobQuery's filters as a SQL condition over `jobs`, every value bound, never spliced:
 * the only text put into the SQL is ours (column names, one `?` per state).
 */
import type { SQLInputValue } from 'node:sqlite';
import type { JobQuery } from '../../../common/job-pages.js';
import { matchExpression } from './search-query.js';

export type JobFilter = Omit<JobQuery, 'offset' | 'limit'>;

export function filterSql(filter: JobFilter): { where: string; params: SQLInputValue[] } {
  const conditions: string[] = [];
  const params: SQLInputValue[] = [];
  if (filter.states) {
    // An empty list asks for no state at all: nothing matches.
    conditions.push(filter.states.length > 0 ? `state IN (${filter.states.map(() => '?').join(', ')})` : '0');
    params.push(...filter.states);
  }
  if (filter.pluginId !== undefined) {
    conditions.push('plugin_id = ?');
    params.push(filter.pluginId);
  }
  if (filter.batchId !== undefined) {
    conditions.push('batch_id = ?');
    params.push(filter.batchId);
  }
  if (filter.since !== undefined) {
    conditions.push('created_at >= ?');
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    conditions.push('created_at < ?');
    params.push(filter.until);
  }
  const match = matchExpression(filter.text);
  if (match !== undefined) {
    conditions.push('seq IN (SELECT rowid FROM job_text WHERE job_text MATCH ?)');
    params.push(match);
  }
  return { where: conditions.length > 0 ? conditions.join(' AND ') : '1', params };
}
