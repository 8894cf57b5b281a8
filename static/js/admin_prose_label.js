// The rich-text editor replaces each textarea with an editable box that has no name, so a
// screen reader announces only "text box". Give the box the label of the textarea it edits.
(function () {
  "use strict";

  function label(textarea) {
    var wrapper = textarea.closest(".prose-editor");
    var box = wrapper && wrapper.querySelector('[contenteditable="true"]');
    var labelElement = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
    if (!box || !labelElement) {
      return;
    }
    if (!labelElement.id) {
      labelElement.id = textarea.id + "_label";
    }
    box.setAttribute("aria-labelledby", labelElement.id);
  }

  document.addEventListener("prose-editor:ready", function (event) {
    label(event.detail.textarea);
  });
})();
