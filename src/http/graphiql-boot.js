// GraphiQL's start-up script, served as a static asset next to the UMD bundles (React, ReactDOM,
// GraphiQL and graphql-ws set globals). Browser code: plain ES2020, no imports, no build step.
// Queries and mutations go over HTTP with the Headers tab as HTTP headers; subscriptions go over
// graphql-ws on the same path with the Headers tab as `extensions.headers`, which the server reads
// per operation (src/http/ws-server.ts), so the key GraphiQL shows is the key every operation runs as.
(() => {
  const config = JSON.parse(document.getElementById("graphiql-config").textContent);
  // The page is served by the GraphQL endpoint itself (GET accepting HTML), so its own URL is it.
  const endpoint = new URL(window.location.pathname, window.location.href);
  const socketUrl = endpoint.href.replace(/^http/, "ws");
  let socket = null;

  /** The socket opens on the first subscription and is shared by all later ones. */
  function client() {
    socket ??= window.graphqlWs.createClient({ url: socketUrl, lazy: true, retryAttempts: 3 });
    return socket;
  }

  /** Header values typed in the tab may be numbers or booleans; HTTP wants strings. */
  function stringHeaders(headers) {
    const out = {};
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (value !== undefined && value !== null) out[name] = String(value);
    }
    return out;
  }

  /**
   * The document's operations as [type, name] pairs, read from its top-level words (comments,
   * strings and selection sets skipped). GraphiQL's parsed documentAST can lag the editor by a
   * keystroke, and the bundle does not expose graphql's parser, so the text is read directly.
   */
  function operations(text) {
    const ops = [];
    let depth = 0; // of braces and parentheses together
    let current = null; // the definition being read, until its selection set opens
    let fragment = false;
    let expectName = false;
    const token = /#[^\n\r]*|"""[\s\S]*?"""|"(?:\\.|[^"\\\n])*"|[{}()]|[_A-Za-z][_0-9A-Za-z]*/g;
    for (const [t] of text.matchAll(token)) {
      if (t[0] === "#" || t[0] === '"') continue;
      if (t === "{" || t === "(") {
        if (depth === 0 && t === "{") {
          if (!current && !fragment) ops.push(["query", null]); // the `{ … }` shorthand
          current = null;
          fragment = false;
        }
        expectName = false;
        depth++;
      } else if (t === "}" || t === ")") {
        depth--;
      } else if (depth === 0 && expectName) {
        current[1] = t;
        expectName = false;
      } else if (depth === 0 && !current && !fragment) {
        if (t === "query" || t === "mutation" || t === "subscription") {
          current = [t, null];
          ops.push(current);
          expectName = true;
        } else if (t === "fragment") fragment = true;
      }
    }
    return ops;
  }

  /** Whether the operation to run is a subscription: the named one, else the only one. */
  function isSubscription(params) {
    const ops = operations(params.query ?? "");
    const op = params.operationName ? ops.find(([, name]) => name === params.operationName) : ops[0];
    return op?.[0] === "subscription";
  }

  async function overHttp(params, headers) {
    const res = await fetch(endpoint, {
      method: "POST",
      headers: {
        accept: "application/graphql-response+json, application/json",
        "content-type": "application/json",
        ...stringHeaders(headers),
      },
      body: JSON.stringify(params),
    });
    const text = await res.text();
    try {
      return JSON.parse(text);
    } catch {
      return { errors: [{ message: `HTTP ${res.status}: ${text.slice(0, 500)}` }] };
    }
  }

  function overSocket(params, headers) {
    const extensions = { ...(params.extensions ?? {}), headers: headers ?? {} };
    return client().iterate({ ...params, extensions });
  }

  function fetcher(params, opts) {
    const headers = opts?.headers ?? {};
    return isSubscription(params) ? overSocket(params, headers) : overHttp(params, headers);
  }

  const root = window.ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    window.React.createElement(window.GraphiQL, {
      fetcher,
      defaultQuery: config.defaultQuery,
      // The example operations (src/http/graphiql-examples/), one tab each, until the visitor's
      // own tabs are stored in the browser.
      defaultTabs: config.tabs,
      defaultHeaders: config.headers,
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
    }),
  );
})();
