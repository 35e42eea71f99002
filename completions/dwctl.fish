complete --keep-order --exclusive --command dwctl --arguments "(DWCTL_COMPLETE=fish dwctl -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
