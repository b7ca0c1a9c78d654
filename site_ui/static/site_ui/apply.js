// The application form: the matter types follow the chosen kind of matter, and a live means-test
// preview posts what is typed so far and shows the engine's result.
(function () {
  "use strict";
  var form = document.getElementById("apply-form");
  if (!form) { return; }

  // Matter types: the server's rule (directory.choices.matter_type_fits), as {category: [types]}.
  var fitsNode = document.getElementById("matter-types");
  var category = document.getElementById("id_matter_category");
  var matterType = document.getElementById("id_matter_type");
  if (fitsNode && category && matterType) {
    var fits = JSON.parse(fitsNode.textContent);
    var allOptions = Array.prototype.map.call(matterType.options, function (option) {
      return {value: option.value, text: option.textContent};
    });
    var followCategory = function () {
      var allowed = fits[category.value] || allOptions.map(function (o) { return o.value; });
      var current = matterType.value;
      matterType.innerHTML = "";
      allOptions.forEach(function (o) {
        if (allowed.indexOf(o.value) === -1) { return; }
        var option = document.createElement("option");
        option.value = o.value;
        option.textContent = o.text;
        option.selected = o.value === current;
        matterType.appendChild(option);
      });
    };
    category.addEventListener("change", followCategory);
    followCategory();
  }

  // Art 24: the reason for seeking a defender is asked of a criminal defence only; hidden, it is cleared.
  var defence = document.getElementById("id_defence_reason");
  var defenceField = defence && defence.closest(".site-field");
  if (defenceField && matterType) {
    var followMatter = function () {
      var shown = matterType.value === "criminal_defence";
      defenceField.hidden = !shown;
      defenceField.style.display = shown ? "" : "none";  // .site-field sets display: flex
      if (!shown) {
        Array.prototype.forEach.call(defence.querySelectorAll("input"), function (input) {
          input.checked = false;
        });
      }
    };
    matterType.addEventListener("change", followMatter);
    if (category) { category.addEventListener("change", followMatter); }
    followMatter();
  }

  // Files: too large for the server is said at once, before a long upload ends in an error page.
  var files = document.getElementById("id_files");
  if (files) {
    var note = document.createElement("div");
    note.className = "site-error";
    note.id = "id_files_size";
    note.setAttribute("role", "alert");
    files.insertAdjacentElement("afterend", note);
    files.addEventListener("change", function () {
      var each = Number(files.dataset.maxEach) || Infinity;
      var total = Number(files.dataset.maxTotal) || Infinity;
      var sum = 0;
      var tooLarge = Array.prototype.some.call(files.files, function (file) {
        sum += file.size;
        return file.size > each;
      }) || sum > total;
      note.textContent = tooLarge ? files.dataset.tooLarge : "";
      if (tooLarge) { files.value = ""; }
    });
  }

  var result = document.getElementById("means-preview-result");
  var reasons = document.getElementById("means-preview-reasons");
  var timer = null;
  function refresh() {
    var data = new FormData(form);
    data.delete("files");  // the preview needs no files: never upload them while typing
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
  form.addEventListener("input", function (event) {
    if (event.target.type === "file") { return; }
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
  form.addEventListener("change", function (event) {
    if (event.target.type !== "file") { refresh(); }
  });
  // A page shown again (after a failed submit, or from the back button) may hold answers already.
  if (form.elements.household_size && form.elements.household_size.value) { refresh(); }
})();
