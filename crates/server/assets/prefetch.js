// Loaded as a classic `async` script before the stylesheet and the page's script, so it runs as
// soon as it arrives: when the tab opens on a report, the three API calls of its first paint
// start then, instead of after the page's script is fetched, compiled and run. `api()` (api.js)
// takes these answers instead of asking again. Only GETs the report would make anyway, with the
// credential the tab already holds; nothing is fetched for a signed-out tab. Wrapped in a block
// so its names stay out of the page's global scope.
'use strict';

{
  const credential = sessionStorage.getItem('ledgerlens.credential');
  const report = location.hash.match(/^#\/documents\/(doc_[A-Za-z0-9_-]+)$/);
  if (credential && report) {
    const id = report[1];
    const headers = credential.includes('.') ? { Authorization: `Bearer ${credential}` } : { 'X-API-Key': credential };
    const early = new Map();
    for (const path of [`/v1/documents/${id}`, `/v1/documents/${id}/analysis?profile=native`, `/v1/documents/${id}/transactions?limit=50`]) {
      const answer = fetch(path, { headers });
      answer.catch(() => {}); // a failure is reported by the api() call that takes it
      early.set(path, { answer, credential });
    }
    window.ledgerlensPrefetched = early;
  }
}
