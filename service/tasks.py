"""Invoke tasks for moderation and personal data, wired as the `comments` namespace:
`invoke comments.approve 12,13`, `invoke comments.list --statut spam`, … One task per entry of
commands.COMMANDS, running the same code as the command line."""

import inspect

from invoke import Collection, Exit, Task

from service import commands
from service.app import assemble
from service.settings import load


def _task(command: commands.Command) -> Task:
    def body(c, *args, **kwargs):
        bound = body.__signature__.bind(c, *args, **kwargs)
        bound.apply_defaults()
        values = {arg.name: arg.parse(bound.arguments[arg.name]) for arg in command.args}
        status = commands.execute(assemble(load()), command, values)
        if status:
            raise Exit(code=status)

    context = inspect.Parameter("c", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    body.__signature__ = inspect.Signature(
        [context]
        + [
            inspect.Parameter(
                arg.name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=arg.default if arg.option else inspect.Parameter.empty,
            )
            for arg in command.args
        ]
    )
    body.__doc__ = command.help
    return Task(body, name=command.name, help={arg.name: arg.help for arg in command.args})


namespace = Collection(*(_task(command) for command in commands.COMMANDS))
