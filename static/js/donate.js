// Optional: keeps the summary next to the button in step with the form. The server renders
// the same summary, so without this script the page still reads right.
(function () {
  "use strict";
  var form = document.querySelector(".donate-form");
  var summary = document.getElementById("donate-summary");
  if (!form || !summary) return;
  var words = summary.dataset;

  function labelText(input) {
    return input ? input.closest("label").textContent.trim() : "";
  }

  function amount() {
    var other = form.elements.other_amount.value.trim();
    if (other) return /€/.test(other) ? other : "€ " + other;
    return labelText(form.querySelector("input[name=preset]:checked")) || words.none;
  }

  function update() {
    var prisoner = form.elements.prisoner;
    var method = labelText(form.querySelector("input[name=method]:checked"));
    var template = method ? words.withMethod : words.withoutMethod;
    summary.textContent = template
      .replace("%(amount)s", amount())
      .replace("%(fund)s", prisoner.value ? prisoner.options[prisoner.selectedIndex].text : words.general)
      .replace("%(method)s", method);
  }

  form.addEventListener("change", update);
  form.elements.other_amount.addEventListener("input", update);
})();
