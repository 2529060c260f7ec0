/*
 * "Try it" on the API reference (/api/v1/docs): each form sends its GET to this server and
 * shows the status and the JSON answer below the form. Path parameters ({id}) go into the
 * path, the others into the query string; empty fields are left out. Without this script
 * the forms still work: the browser opens the answer.
 */
(function () {
  "use strict";

  function urlOf(form) {
    var path = form.getAttribute("data-path");
    var query = new URLSearchParams();
    Array.prototype.forEach.call(form.querySelectorAll("input[name]"), function (input) {
      var value = input.value.trim();
      if (input.getAttribute("data-in") === "path") {
        path = path.replace("{" + input.name + "}", encodeURIComponent(value));
      } else if (value !== "") {
        query.append(input.name, value);
      }
    });
    var text = query.toString();
    return path + (text ? "?" + text : "");
  }

  function show(form, status, body) {
    var box = form.querySelector(".try-answer");
    box.hidden = false;
    box.querySelector(".try-status").textContent = status;
    box.querySelector(".try-body").textContent = body;
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.try"), function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var url = urlOf(form);
      show(form, "GET " + url + " …", "");
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.text().then(function (text) {
            var body = text;
            try { body = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON: as it came */ }
            show(form, "GET " + url + " → " + response.status + " " + response.statusText, body);
          });
        })
        .catch(function (error) { show(form, "GET " + url + " → " + error, ""); });
    });
  });
})();
