// Polls a background job's status and updates its progress bar, download link and Resume.
(function () {
  const box = document.getElementById("job");
  if (!box) return;
  const url = box.dataset.jobStatusUrl;
  const bar = box.querySelector("[data-job-bar]");
  const progress = bar.parentElement;
  async function poll() {
    let data;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(response.status);
      data = await response.json();
    } catch (error) {
      setTimeout(poll, 3000);
      return;
    }
    bar.style.width = data.percent + "%";
    bar.textContent = data.percent + " %";
    progress.setAttribute("aria-valuenow", data.percent);
    box.querySelector("[data-job-label]").textContent = data.status_label;
    box.querySelector("[data-job-count]").textContent = data.done + " / " + data.total;
    const download = box.querySelector("[data-job-download]");
    if (data.download_url) { download.href = data.download_url; download.hidden = false; }
    const error = box.querySelector("[data-job-error]");
    error.textContent = data.error;
    error.hidden = !data.error;
    box.querySelector("[data-job-resume]").hidden = !data.resumable;
    // Done, failed or interrupted: nothing more happens while the page is open.
    if (!data.settled) setTimeout(poll, 1000);
  }
  poll();
})();
