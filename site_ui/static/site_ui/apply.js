// Live means-test preview on the application form: posts what is typed so far, shows the engine's result.
(function () {
  "use strict";
  var form = document.getElementById("apply-form");
  if (!form) { return; }
  var result = document.getElementById("means-preview-result");
  var reasons = document.getElementById("means-preview-reasons");
  var timer = null;
  function refresh() {
    var data = new FormData(form);
    fetch(form.dataset.previewUrl, {method: "POST", body: data, credentials: "same-origin",
                                    headers: {"X-Requested-With": "fetch"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body || !body.result) { return; }
        result.textContent = body.label;
        result.className = "site-means site-means--" + body.result;
        reasons.innerHTML = "";
        body.reasons.forEach(function (text) {
          var li = document.createElement("li");
          li.textContent = text;
          reasons.appendChild(li);
        });
      })
      .catch(function () { /* the preview is a convenience; the form still submits */ });
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
  form.addEventListener("change", refresh);
})();
