// The materials checklist (申请材料清单).
// On the application form: the list follows the answers (special groups, matter, region, representative,
// fixed income), read from the public API; without this script the server shows it after a submit.
// On the reviewer's task page: ticking an item of the case's checklist adds its label to the missing
// materials of the one-time supplement notice, unticking removes it; free lines stay as typed.
(function () {
  "use strict";

  var panel = document.getElementById("materials-checklist");
  var form = document.getElementById("apply-form");
  if (panel && form && panel.dataset.url) {
    var list = document.getElementById("materials-checklist-items");
    var empty = document.getElementById("materials-checklist-empty");
    var optional = panel.dataset.optional || "";
    var fields = ["categories", "matter_category", "matter_type", "region", "representative_name",
                  "fixed_income", "defence_reason"];
    var latest = 0;

    var query = function () {
      var data = new FormData(form);
      var params = new URLSearchParams();
      var categories = data.getAll("categories");
      if (categories.length) { params.set("categories", categories.join(",")); }
      params.set("matter_type", data.get("matter_type") || "");
      if (data.get("region")) { params.set("region", data.get("region")); }
      params.set("representative", String(Boolean((data.get("representative_name") || "").trim())));
      var fixed = data.get("fixed_income");
      if (fixed === "yes" || fixed === "no") { params.set("fixed_income", String(fixed === "yes")); }
      if (data.get("matter_type") === "criminal_defence" && data.get("defence_reason")) {
        params.set("defence_reason", data.get("defence_reason"));
      }
      return params.toString();
    };

    var show = function (items) {
      list.innerHTML = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.dataset.code = item.code;
        var label = document.createElement("strong");
        label.textContent = item.label;
        li.appendChild(label);
        if (!item.required && optional) {
          var note = document.createElement("span");
          note.className = "site-help";
          note.textContent = " （" + optional + "）";
          li.appendChild(note);
        }
        if (item.why) {
          var why = document.createElement("div");
          why.className = "site-help";
          why.textContent = item.why;
          li.appendChild(why);
        }
        list.appendChild(li);
      });
      empty.hidden = items.length > 0;
    };

    var refresh = function () {
      var ticket = ++latest;  // answers change faster than the network: only the last answer counts
      fetch(panel.dataset.url + "?" + query(), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (items) { if (ticket === latest) { show(items); } })
        .catch(function () { /* the list is a help; the form still submits */ });
    };

    var timer = null;
    form.addEventListener("change", function (event) {
      if (fields.indexOf(event.target.name) !== -1) { refresh(); }
    });
    form.addEventListener("input", function (event) {
      if (event.target.name !== "representative_name") { return; }
      clearTimeout(timer);
      timer = setTimeout(refresh, 400);
    });
    refresh();
  }

  var ticks = document.getElementById("review-checklist");
  var missing = document.querySelector("textarea[name='missing_items']");
  if (ticks && missing) {
    var plain = document.getElementById("review-checklist-plain");
    if (plain) { plain.hidden = true; }
    ticks.hidden = false;
    var lines = function () {
      return missing.value.split(/\r?\n/).filter(function (line) { return line.trim() !== ""; });
    };
    var boxes = ticks.querySelectorAll("input[type='checkbox']");
    Array.prototype.forEach.call(boxes, function (box) {
      box.checked = lines().indexOf(box.value) !== -1;  // a page shown again after an error keeps its lines
      box.addEventListener("change", function () {
        var current = lines().filter(function (line) { return line !== box.value; });
        if (box.checked) { current.push(box.value); }
        missing.value = current.join("\n");
      });
    });
  }
})();
