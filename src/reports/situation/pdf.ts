/**
 * The situation report as PDF: its HTML page printed by headless Chromium (playwright-core, the
 * system's browser; nothing is downloaded). The page makes no request, and the browser is started
 * with networking features off.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.ACCORD_CHROMIUM || '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export type PdfResult = { ok: true; pdf: Buffer } | { ok: false; error: string };

/** Print the page to A4 PDF; an error value when Chromium or playwright-core is missing. */
export async function htmlToPdf(html: string, executablePath = CHROMIUM): Promise<PdfResult> {
  if (!existsSync(executablePath))
    return {
      ok: false,
      error: `PDF needs Chromium at ${executablePath} (install Debian's chromium package, or set ACCORD_CHROMIUM to its path); --format html gives the same report as a printable page`,
    };
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return { ok: false, error: 'PDF needs the playwright-core package (npm install playwright-core)' };
  }
  const browser = await chromium.launch({ executablePath, args: ARGS, headless: true });
  try {
    const page = await browser.newPage();
    // No request may leave: the page is self-contained.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate:
        '<div style="font-size:8px;width:100%;text-align:center;color:#7b8794">page <span class="pageNumber"></span> of <span class="totalPages"></span></div>',
    });
    return { ok: true, pdf };
  } catch (err) {
    return { ok: false, error: `Chromium could not print the report: ${(err as Error).message}` };
  } finally {
    await browser.close();
  }
}
