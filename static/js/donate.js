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

  var button = document.getElementById("donate-submit");

  function monthly() {
    return !!form.querySelector("input[name=frequency][value=monthly]:checked");
  }

  function amount() {
    var other = form.elements.other_amount.value.trim();
    if (other) return /€/.test(other) ? other : "€ " + other;
    var name = monthly() ? "monthly_preset" : "preset";
    return labelText(form.querySelector("input[name=" + name + "]:checked"));
  }

  function update() {
    var prisoner = form.elements.prisoner;
    var fund = prisoner.value ? prisoner.options[prisoner.selectedIndex].text : words.general;
    var method = labelText(form.querySelector("input[name=method]:checked"));
    var template = monthly()
      ? (method ? words.monthlyWithMethod : words.monthlyWithoutMethod)
      : (method ? words.withMethod : words.withoutMethod);
    summary.textContent = template
      .replace("%(amount)s", amount() || words.none)
      .replace("%(fund)s", fund)
      .replace("%(method)s", method);
    if (button) {
      button.textContent = monthly() && amount()
        ? words.monthlyButton.replace("%(fund)s", fund).replace("%(amount)s", amount())
        : words.button;
    }
  }

  form.addEventListener("change", update);
  form.elements.other_amount.addEventListener("input", update);
})();
