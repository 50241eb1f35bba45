/* "Use where I stand": fill a point's latitude and longitude from the phone's GPS.
 * GPS gives WGS-84, the datum we store, so the GCJ-02 box is cleared. Without
 * geolocation (old phone, or a page not served over HTTPS) the buttons stay hidden. */
(function () {
  "use strict";
  if (!("geolocation" in navigator)) { return; }
  document.querySelectorAll("button.locate").forEach(function (button) {
    var status = document.getElementById(button.dataset.status);
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.dataset.waiting;
      navigator.geolocation.getCurrentPosition(function (position) {
        document.getElementById(button.dataset.lat).value = position.coords.latitude.toFixed(6);
        document.getElementById(button.dataset.lon).value = position.coords.longitude.toFixed(6);
        var datum = document.querySelector('input[name="' + button.dataset.gcj + '"]');
        if (datum) { datum.checked = false; }
        if (button.dataset.point) {
          var radio = document.querySelector('input[name="delivery_point"][value="' + button.dataset.point + '"]');
          if (radio) { radio.checked = true; }
        }
        status.textContent = button.dataset.done.replace("%s", Math.round(position.coords.accuracy));
      }, function () {
        status.textContent = button.dataset.failed;
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
  });
}());
