// Optional: keeps the words next to the button in step with the form, as one sentence each,
// and moves the payment method along when the frequency changes. Without this script the
// server's lines (donations/donate_summary.py) and donate.css do both, less precisely.
(function () {
  "use strict";
  var form = document.querySelector(".donate-form");
  var summary = document.getElementById("donate-summary");
  if (!form || !summary) return;
  var words = summary.dataset;
  var button = document.getElementById("donate-submit");
  var collection = document.getElementById("donate-collection");
  var methods = form.querySelector(".methods");

  function labelText(input) {
    return input ? input.closest("label").textContent.trim() : "";
  }

  function monthly() {
    return !!form.querySelector("input[name=frequency][value=monthly]:checked");
  }

  function amount() {
    var other = form.elements.other_amount.value.trim();
    if (other) return /€/.test(other) ? other : "€ " + other;
    var name = monthly() ? "monthly_preset" : "preset";
    return labelText(form.querySelector("input[name=" + name + "]:checked"));
  }

  // A method the frequency does not offer (bank transfer for monthly, a mandate without a
  // first payment for one-off) gives way to the one the server preselects for it.
  function keepMethodOffered() {
    var checked = form.querySelector("input[name=method]:checked");
    var notOffered = monthly() ? "once-only" : "monthly-only";
    if (!checked || !checked.closest("label").classList.contains(notOffered)) return;
    var fallback = methods.dataset[monthly() ? "monthlyDefault" : "onceDefault"];
    var input = fallback && form.querySelector("input[name=method][value='" + fallback + "']");
    if (input) {
      input.checked = true;
    } else {
      checked.checked = false;
    }
  }

  function fill(template, fund, chosen, method) {
    return template
      .replace("%(amount)s", chosen)
      .replace("%(fund)s", fund)
      .replace("%(method)s", method);
  }

  function update(event) {
    if (event && event.target && event.target.name === "frequency") keepMethodOffered();
    var prisoner = form.elements.prisoner;
    var fund = prisoner.value ? prisoner.options[prisoner.selectedIndex].text : words.general;
    var method = labelText(form.querySelector("input[name=method]:checked"));
    var chosen = amount();
    var line;
    if (!monthly()) {
      line = fill(method ? words.withMethod : words.withoutMethod, fund, chosen || words.none, method);
    } else if (chosen) {
      line = fill(method ? words.monthlyWithMethod : words.monthlyWithoutMethod, fund, chosen, method);
    } else {
      line = fill(words.monthlyNone, fund, "", "") + (method ? " — " + method : "");
    }
    summary.textContent = line;
    if (button) {
      button.textContent = monthly() && chosen
        ? fill(words.monthlyButton, fund, chosen, "")
        : words.button;
    }
    if (collection) {
      collection.textContent = !monthly()
        ? ""
        : chosen ? fill(words.collection, fund, chosen, "") : words.collectionNone;
    }
  }

  form.addEventListener("change", update);
  form.elements.other_amount.addEventListener("input", update);
  // A page shown again (the back button) may come with the donor's earlier ticks.
  window.addEventListener("pageshow", function () { update(); });
  update();
})();
