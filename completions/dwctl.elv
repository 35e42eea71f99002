
set edit:completion:arg-completer[dwctl] = { |@words|
    var index = (count $words)
    set index = (- $index 1)

    put (env _CLAP_IFS="\n" _CLAP_COMPLETE_INDEX=(to-string $index) DWCTL_COMPLETE="elvish" dwctl -- $@words) | to-lines
}

