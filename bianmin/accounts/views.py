"""Web sign-in and sign-out (session), with the same throttling as the API."""

from django import forms
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bianmin.accounts.services import BadCredentials, sign_in
from bianmin.core.errors import TooMany


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", max_length=256, widget=forms.PasswordInput)


def login_view(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect("workbench:home")
    # An empty POST is still a submission: bind it so the person sees which fields are missing.
    form = LoginForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = sign_in(request, form.cleaned_data["username"], form.cleaned_data["password"])
        except TooMany as exc:
            form.add_error(None, exc.message)
            status = 429
        except BadCredentials as exc:
            form.add_error(None, exc.message)
            status = 401
        else:
            login(request, user)
            target = request.POST.get("next") or request.GET.get("next")
            if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                return redirect(target)
            return redirect("workbench:home")
    elif request.method == "POST":
        status = 400
    return render(
        request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}, status=status
    )


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")
