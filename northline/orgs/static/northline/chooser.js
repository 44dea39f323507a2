// Choosers (templates/includes/chooser_*.html) work as plain forms: a select, and a search that
// reloads the page with ?q=. With this script, typing in the search asks the page's endpoint for
// up to 20 matches (title contains) and offers them in the select(s) the search names.
(function () {
  "use strict";
  document.querySelectorAll("input[data-chooser-endpoint]").forEach(function (input) {
    var selects = document.querySelectorAll(
      'select[data-chooser="' + input.dataset.chooserFor + '"]'
    );
    var timer = null;
    var asked = 0;
    function offer(matches) {
      selects.forEach(function (select) {
        var options = matches.map(function (match) {
          return new Option(match.label, match.id);
        });
        if (!options.length) options.push(new Option("No match", ""));
        // An optional choice keeps its "none" option first.
        if ("chooserOptional" in select.dataset && select.options.length && select.options[0].value === "") {
          options.unshift(new Option(select.options[0].text, ""));
        }
        select.replaceChildren.apply(select, options);
      });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var mine = ++asked;
        var url = input.dataset.chooserEndpoint + "?q=" + encodeURIComponent(input.value.trim());
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) {
            return response.ok ? response.json() : Promise.reject(response);
          })
          .then(function (data) {
            // An older answer arriving late must not replace a newer one.
            if (mine !== asked) return;
            offer(data.matches);
            // The note under the search said what the page listed; now it is these matches.
            var note = input.form && input.form.querySelector("p.muted");
            if (note) {
              var q = input.value.trim();
              note.textContent = q
                ? "Showing " + data.matches.length + " match" + (data.matches.length === 1 ? "" : "es") + " of \u201c" + q + "\u201d."
                : "Showing the first " + data.matches.length + ": type to find the one you mean.";
            }
          })
          .catch(function () {
            // The plain Search button still works.
          });
      }, 200);
    });
  });
})();
