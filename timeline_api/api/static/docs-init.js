// Starts Swagger UI on the page /docs serves; a file of its own, not an inline script, so the
// page's Content-Security-Policy can refuse every script that is not from this server.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
  });
});
