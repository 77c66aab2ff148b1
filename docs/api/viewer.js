// Starts Swagger UI on the contract beside this page. "Try it out" sends requests to the page's own origin (the
// gateway), which the document's server list does not name when the gateway listens on another port.
window.addEventListener('load', () => {
  window.ui = SwaggerUIBundle({
    url: 'openapi.yaml',
    dom_id: '#api-docs',
    deepLinking: true,
    validatorUrl: null,
    requestInterceptor: (request) => {
      const url = new URL(request.url, window.location.href);
      if (!url.pathname.startsWith('/docs/'))
        request.url = `${window.location.origin}${url.pathname}${url.search}`;
      return request;
    },
  });
});
