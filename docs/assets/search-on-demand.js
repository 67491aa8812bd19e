// Material's bundle starts its search worker and fetches the whole search index
// (search/search_index.json) on every first visit, though most readers never search. This holds both
// back until the reader reaches for search: focuses the search field, opens search from the header,
// or follows a link with ?q=. scripts/hooks.py loads this file just before Material's bundle. If
// Material stops using XMLHttpRequest for the index or `new Worker` for the worker, that part is simply
// no longer held back, and search works as before.
(() => {
  const held = [];
  let wanted = new URLSearchParams(location.search).has("q");
  const release = () => {
    wanted = true;
    held.splice(0).forEach((go) => go());
  };
  addEventListener("focusin", (event) => event.target.closest?.("[data-md-component=search]") && release());
  addEventListener("change", (event) => event.target.id === "__search" && release());

  // The index: the request is sent on release.
  const { open, send } = XMLHttpRequest.prototype;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.heldForSearch = /\/search\/search_index\.json$/.test(String(url));
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...body) {
    if (this.heldForSearch && !wanted) {
      held.push(() => send.apply(this, body));
      return;
    }
    return send.apply(this, body);
  };

  // The worker: a stand-in that keeps Material's messages until the real worker starts on release.
  const RealWorker = window.Worker;
  window.Worker = function (url, options) {
    if (wanted || !/\/workers\/search\.[^/]*\.js$/.test(String(url))) return new RealWorker(url, options);
    const standIn = new EventTarget();
    const waiting = [];
    let worker = null;
    standIn.postMessage = (message) => (worker ? worker.postMessage(message) : waiting.push(message));
    standIn.terminate = () => worker?.terminate();
    held.push(() => {
      worker = new RealWorker(url, options);
      worker.addEventListener("message", (event) => standIn.dispatchEvent(new MessageEvent("message", { data: event.data })));
      waiting.splice(0).forEach((message) => worker.postMessage(message));
    });
    return standIn;
  };
})();
