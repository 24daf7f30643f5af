// Live preview of the next order reference while the numbering settings are typed.
(function () {
  const form = document.getElementById("numbering-form");
  const output = document.getElementById("numbering-preview");
  if (!form || !output || !form.dataset.previewUrl) return;
  const error = document.getElementById("numbering-preview-error");
  const field = (name) => form.elements.namedItem(name);
  let timer = null;
  let latest = 0;

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  async function askServer() {
    const ticket = ++latest;
    const params = new URLSearchParams();
    ["next_number", "seen_next_number", "prefix", "suffix"].forEach((name) => {
      if (field(name)) params.set(name, field(name).value);
    });
    try {
      const response = await fetch(form.dataset.previewUrl + "?" + params, {
        headers: { Accept: "application/json" },
      });
      if (!response.ok || ticket !== latest) return;
      const data = await response.json();
      if (data.reference) {
        output.textContent = data.reference;
        showError("");
      } else {
        showError(Object.values(data.errors).flat().join(" "));
      }
    } catch (e) {
      // Offline: the local preview stays.
    }
  }

  form.addEventListener("input", () => {
    // Instant local guess; the server then corrects it (skipped references, rules).
    const number = field("next_number").value.trim();
    if (/^\d+$/.test(number)) {
      output.textContent = field("prefix").value + number + field("suffix").value;
    }
    clearTimeout(timer);
    timer = setTimeout(askServer, 250);
  });
})();
