/** The job list's rows as a person finds them: the items of the list named "Jobs". */
import type { Locator, Page } from '@playwright/test';

export function jobRows(page: Page): Locator {
  return page.getByRole('list', { name: 'Jobs' }).getByRole('listitem');
}
