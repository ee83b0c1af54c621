// The hall screen: speaks each new call ("请A005号到2号窗口") in zh-CN where the browser can, after each
// htmx refresh of the board. A recall (higher call count) is spoken again. Calls already on the board when
// the page opens are not spoken (a screen restart must not replay the morning).
(function () {
  "use strict";
  var spoken = new Set();
  var primed = false;

  function say(text) {
    if (!text || !("speechSynthesis" in window)) return;
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = "zh-CN";
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
  }

  function scan() {
    var calls = document.querySelectorAll("[data-call]");
    var fresh = [];
    calls.forEach(function (el) {
      var key = el.getAttribute("data-call");
      if (!spoken.has(key)) {
        spoken.add(key);
        fresh.push(el.getAttribute("data-say"));
      }
    });
    if (primed) {
      fresh.reverse().forEach(function (text) { say(text); say(text); });
    }
    primed = true;
    document.body.setAttribute("data-spoken", String(spoken.size));
  }

  document.addEventListener("DOMContentLoaded", scan);
  document.addEventListener("htmx:afterSwap", scan);
})();
