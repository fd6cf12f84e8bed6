"""What the coach says around the exercises: welcome, check-ins, menu, commands, re-asks.

Each entry has variants; often-heard lines have several so sessions don't sound canned.
Slots are those of `coach.dialog.render` plus the named ones each caller fills.
"""

from __future__ import annotations

PHRASES: dict[str, tuple[str, ...]] = {
    "welcome": (
        "Hello, and welcome. I'm a practice coach for feeling closer to the people who "
        "matter to you.",
    ),
    "not_therapy": (
        "I guide short spoken exercises. I'm not therapy, and I'm not a crisis service. "
        "If you are in danger, please call your local emergency number.",
    ),
    "what_i_keep": (
        "If you agree, I keep your answers and your progress in {place}. "
        'Nothing is sent anywhere. You can say "don\'t save this", or delete it all, '
        "at any time.",
    ),
    "ask_consent": ("Is it alright for me to keep your answers there?",),
    "consent_yes": ("Thank you. Everything stays here with you.",),
    "consent_no": (
        "That's completely fine. I won't keep anything from today, and I'll ask again next time.",
    ),
    "ask_name": ("What should I call you? You can also say skip.",),
    "ask_other": ("Who would you like to feel closer to? Tell me their first name, or say skip.",),
    "ask_relationship": ("Is {other} your partner, a friend, or family?",),
    "profile_done": (
        "Thank you, {name}. Let's begin.",
        "Lovely to meet you, {name}. Let's begin.",
    ),
    "welcome_back": (
        "Welcome back, {name}.",
        "Hello again, {name}. It's good to hear from you.",
        "Good to have you back, {name}.",
    ),
    "checkin_before": (
        "Before we start: from 0 to 10, how close do you feel to {other} right now?",
        "A quick check-in. On a scale from 0 to 10, how close do you feel to {other} today?",
    ),
    "checkin_after": (
        "Before you go: from 0 to 10, how close do you feel to {other} now?",
        "One last check-in. From 0 to 10, how close do you feel to {other} now?",
    ),
    "checkin_help": (
        "Say a number from 0 to 10. 0 is very distant, 10 is very close. Or say skip.",
    ),
    "checkin_thanks": ("Thank you.", "Thanks for telling me.", "Got it, thank you."),
    "resume_offer": (
        "Last time we stopped at {place} in {title}. Shall we continue?",
        "We paused at {place} in {title} last time. Would you like to pick up there?",
    ),
    "resume_help": ("Say yes to carry on where we stopped, or no to choose something else.",),
    "resuming": ("Good. Let's pick up where we left off.", "Alright, carrying on."),
    "suggest": (
        "I'd suggest {title}. {summary} Would you like to do that one?",
        "How about {title} today? {summary} Shall we do that?",
    ),
    "menu_help": ("Say yes for the suggestion, no to hear them all, or name an exercise.",),
    "menu_intro": ("Here are the exercises.",),
    "menu_item": ("{number}. {title}: {summary}",),
    "menu_ask": ("Which one would you like? Say its name or its number.",),
    "menu_list_help": ("Say the name or the number of an exercise, or say yes for {title}.",),
    "starting_exercise": ("Alright, {title}.", "Let's do {title}."),
    "end_summary": (
        "Today we did {title}, and you answered {answers} questions.",
        "That was {title}. You answered {answers} questions today.",
    ),
    "end_summary_none": ("Today we talked through {title}.",),
    "closeness_change": ("You said {before} before, and {after} now.",),
    "goodbye": (
        "Thank you for taking this time, {name}. Take care.",
        "Thank you, {name}. Be gentle with yourself. Goodbye for now.",
        "That's all for today, {name}. Take good care.",
    ),
    "stop": (
        "Alright, let's stop here. What you said is kept, and we can continue next time.",
        "Okay, we'll stop for now. You can pick up where we left off next time.",
    ),
    "stop_nothing_kept": ("Alright, let's stop here. Take care.",),
    "pause": (
        "Okay, let's pause. Say resume when you're ready, or stop to finish for today.",
        "Pausing here. Say resume whenever you're ready.",
    ),
    "still_paused": ("We're paused. Say resume to go on, or stop to finish.",),
    "not_paused": ("We're not paused. Here's where we are.",),
    "repeat_nothing": ("There's nothing to repeat yet.",),
    "help_commands": (
        "You can also say repeat, skip, back, pause, menu, or stop at any time. If you need "
        "someone to talk to now, say crisis line.",
    ),
    "slower": ("Of course. I'll speak more slowly.", "Sure, I'll slow down."),
    "faster": ("Sure, I'll speak a little faster.", "Okay, a bit quicker."),
    "slowest": ("That's as slow as I go.",),
    "fastest": ("That's as fast as I go.",),
    "back_none": ("We're at the first question, so there's nothing to go back to.",),
    "back_not_here": ("We can't go back from here.",),
    "skip_not_here": ("There's nothing to skip here.",),
    "wait": ("Of course. Take all the time you need.", "Take your time."),
    "reask": (
        "Take your time.",
        "No rush at all.",
        "I'm still here whenever you're ready.",
    ),
    "offer_pause": ("We can pause here and come back later. Would you like to pause?",),
    "auto_pause": ("I'll pause here for now. Say resume when you're ready.",),
    "not_understood": (
        "Sorry, I didn't quite catch that.",
        "I'm not sure I understood.",
    ),
    "answer_cut": (
        "That was a lot at once, so I kept the first part, about six hundred words. "
        "You can add the rest in your next answer.",
    ),
    "did_you_mean": ("Did you mean {guess}?",),
    "did_you_say": ("Did you say {guess}?",),
    "offer_typing": (
        "I'm having trouble hearing you. You can also type your answer, and press Enter.",
    ),
    "out_of_range": ("Please give a number from {low} to {high}.",),
    "menu_leaving": ("Alright, let's leave this one for now. Your place is kept.",),
    "dont_save_done": ("Okay. I've not kept that answer.",),
    "dont_save_next": ("Okay. I won't keep your next answer.",),
    "forget_done": ("Done. I've forgotten everything from this session.",),
    "forget_nothing": ("I haven't kept anything from this session.",),
    "remember_nothing": ("I don't have anything saved about you.",),
    "remember_intro": ("Here's what I remember.",),
    "remember_name": ("Your name is {name}.",),
    "remember_other": ("You're practising with {other}, your {relation}.",),
    "remember_finished": ("You've finished {count} exercises: {titles}.",),
    "remember_unfinished": ("We're part-way through {title}.",),
    "remember_answers": ("Today you've given {count} answers that I've kept.",),
    "remember_not_keeping": ("I'm not keeping anything from today, as you asked.",),
    "remember_forget": (
        'You can say "forget this session", or delete everything from the command line.',
    ),
    # -- safety: plain, warm, no judgement; the coach never advises leaving or staying --
    "safety_ack_self-harm": (
        "Thank you for telling me. That sounds really painful, and I'm glad you said it out loud.",
    ),
    "safety_ack_harm-to-others": (
        "Thank you for being honest with me. Feelings that strong deserve real support.",
    ),
    "safety_ack_abuse": (
        "Thank you for telling me. What you describe is serious, and it is not your fault.",
    ),
    "safety_ack_child-harm": (
        "Thank you for telling me. A child's safety comes first, and this needs people who "
        "can act.",
    ),
    "safety_ack_general": ("Thank you for telling me.",),
    "safety_ack_asked": ("Of course. Here are people you can talk to, right now.",),
    "safety_limits": (
        "I'm only a practice coach, so I can't help with this myself. But people can, right "
        "now, any time of day.",
    ),
    "safety_offer_repeat": ("Would you like me to say those numbers again, slowly?",),
    "safety_help": (
        "Say yes to hear the numbers again, slowly. Say menu if you'd like to choose an "
        "exercise later, or stop to end.",
    ),
    "safety_still_here": (
        "Alright. I'm still here. Say repeat to hear the numbers again, menu when you feel "
        "ready for an exercise, or stop to end.",
    ),
    "safety_ask_self-harm": (
        "Can I ask you something directly? Have you been wishing you were dead, or thinking of "
        "hurting yourself or ending your life? Or has someone you're telling me about?",
    ),
    "safety_ask_harm-to-others": ("Can I check something? Are you thinking of hurting someone?",),
    "safety_ask_abuse": (
        "Can I ask you something? Are you afraid of someone close to you, or being hurt or "
        "controlled by them?",
    ),
    "safety_ask_child-harm": ("Can I check something? Is a child being hurt, or in danger?",),
    "safety_ask_help": ("Please say yes or no. Either answer is alright.",),
    "safety_relieved": (
        "Thank you for letting me check. Let's go on.",
        "Thanks for answering. Let's carry on.",
    ),
    "safety_goodbye": (
        "Please look after yourself, and reach out to one of those lines. I'm here whenever "
        "you want to come back.",
    ),
    "safety_followup": (
        "Last time, you told me about something hard. Before anything else, how are you "
        "doing? Are you safe right now?",
    ),
    "safety_followup_help": ("Say yes if you are safe right now, or no if you are not.",),
    "safety_followup_glad": (
        "I'm really glad. If things get hard again, tell me, and I'll read you the numbers of "
        "people who can help.",
    ),
}
